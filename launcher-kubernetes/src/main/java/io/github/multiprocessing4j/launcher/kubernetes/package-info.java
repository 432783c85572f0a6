/**
 * The {@code kubernetes} launcher: each child a pod on a Kubernetes cluster, through fabric8's
 * client. The child reaches its parent over core's TLS control channel and gets its class path
 * shipped by content hash (SPEC R1, R2); the pod only needs a JRE image.
 */
package io.github.multiprocessing4j.launcher.kubernetes;
