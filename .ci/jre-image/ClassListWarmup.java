import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Run once inside the JRE image while .ci/build-jre-image.sh builds it, with
 * -XX:DumpLoadedClassList: it does with the JDK what a child on the network does before its task
 * runs (a TLS 1.3 client that pins an EC P-256 certificate, a Unix-domain relay, SHA-256 and
 * HMAC-SHA256, a class loader over a jar, an object stream with a serializable lambda, file
 * attributes of the unix view), so that the JDK classes it loads join the image's default CDS
 * archive and a child's JVM maps them instead of loading and verifying them one by one. It uses
 * the JDK only; its own classes stay out of the archive. Argument: a PKCS12 key store (password
 * "changeit") holding an EC key under alias "k", made with keytool.
 */
public final class ClassListWarmup {

    public static void main(String[] args) throws Exception {
        char[] password = "changeit".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(args[0])) {
            store.load(in, password);
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance("SunX509");
        keys.init(store, password);
        SSLContext serverContext = SSLContext.getInstance("TLSv1.3");
        serverContext.init(keys.getKeyManagers(), null, new SecureRandom());
        SSLServerSocket server = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        server.setEnabledProtocols(new String[] {"TLSv1.3"});
        Thread serving = new Thread(() -> {
            try (SSLSocket accepted = (SSLSocket) server.accept()) {
                accepted.startHandshake();
                OutputStream out = accepted.getOutputStream();
                out.write(accepted.getInputStream().read());
                out.flush();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        serving.start();

        SSLContext clientContext = SSLContext.getInstance("TLSv1.3");
        clientContext.init(null, new TrustManager[] {new AnyCertificate()}, new SecureRandom());
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 10_000);
        try (SSLSocket tls = (SSLSocket) clientContext.getSocketFactory()
                .createSocket(plain, "localhost", server.getLocalPort(), true)) {
            tls.setEnabledProtocols(new String[] {"TLSv1.3"});
            tls.startHandshake();
            X509Certificate peer = (X509Certificate) tls.getSession().getPeerCertificates()[0];
            MessageDigest.isEqual(MessageDigest.getInstance("SHA-256").digest(peer.getEncoded()), new byte[32]);
            tls.getOutputStream().write(7);
            tls.getOutputStream().flush();
            if (tls.getInputStream().read() != 7) {
                throw new IllegalStateException("no echo over TLS");
            }
        }
        serving.join();
        server.close();

        Path directory = Files.createTempDirectory("warmup-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = directory.resolve("s.sock");
        try (ServerSocketChannel local = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            local.bind(UnixDomainSocketAddress.of(socket));
            try (SocketChannel a = SocketChannel.open(UnixDomainSocketAddress.of(socket));
                 SocketChannel b = local.accept()) {
                a.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                b.read(ByteBuffer.allocateDirect(3));
            }
        }
        Files.deleteIfExists(socket);

        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String hex = HexFormat.of().formatHex(mac.doFinal(key));

        Path jar = directory.resolve("w.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("w/Resource.txt"));
            out.write(hex.getBytes());
            out.closeEntry();
        }
        Files.readAttributes(jar, "unix:dev,ino,size,lastModifiedTime,ctime", LinkOption.NOFOLLOW_LINKS);
        try (URLClassLoader loader = new URLClassLoader("warmup", new URL[] {jar.toUri().toURL()},
                ClassListWarmup.class.getClassLoader())) {
            try (InputStream in = loader.getResourceAsStream("w/Resource.txt")) {
                in.readAllBytes();
            }
        }
        Files.delete(jar);
        Files.delete(directory);

        Supplier<String> lambda = (Supplier<String> & Serializable) () -> "warm";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(lambda);
            out.writeObject(Map.of("k", 1L));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            Supplier<String> back = (Supplier<String>) in.readObject();
            in.readObject();
            new ConcurrentHashMap<>(Map.of(back.get(), ProcessHandle.current().pid()));
        }
        System.out.println("class list warm-up: done");
    }

    /** The warm-up checks nothing: it only has to load what a pinning trust manager loads. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
