package io.github.multiprocessing4j.internal.remote;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The parent's TLS identity for one session: a fresh EC P-256 key pair and a self-signed X.509
 * certificate made with the JDK alone (the JDK has no public API to issue a certificate, so the
 * few DER structures are written here). Nobody verifies it through a CA: each child pins the
 * SHA-256 of its encoding, which it got on its standard input with its secret.
 */
final class SessionCertificate {

    private static final String SIGNATURE = "SHA256withECDSA";
    /** ecdsa-with-SHA256, 1.2.840.10045.4.3.2. */
    private static final byte[] ECDSA_WITH_SHA256 = {0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x04, 0x03, 0x02};
    /** commonName, 2.5.4.3. */
    private static final byte[] COMMON_NAME = {0x55, 0x04, 0x03};
    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final byte[] pin;

    private SessionCertificate(KeyPair keyPair, X509Certificate certificate) throws GeneralSecurityException {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.pin = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    }

    /**
     * Makes a new key pair and its certificate, valid from a day ago (clocks of nodes drift) for
     * thirty days.
     */
    static SessionCertificate create() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair keyPair = generator.generateKeyPair();
        byte[] serial = new byte[16];
        new SecureRandom().nextBytes(serial);
        // DER wants the shortest positive INTEGER: no leading zero byte, top bit clear
        serial[0] = (byte) ((serial[0] & 0x3f) | 0x40);
        byte[] name = sequence(set(sequence(der(0x06, COMMON_NAME),
                der(0x0c, "multiprocessing4j session".getBytes(StandardCharsets.UTF_8)))));
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        byte[] validity = sequence(
                der(0x17, UTC_TIME.format(now.minusDays(1)).getBytes(StandardCharsets.US_ASCII)),
                der(0x17, UTC_TIME.format(now.plusDays(30)).getBytes(StandardCharsets.US_ASCII)));
        byte[] algorithm = sequence(der(0x06, ECDSA_WITH_SHA256));
        byte[] tbs = sequence(
                der(0xa0, der(0x02, new byte[] {2})),
                der(0x02, serial),
                algorithm,
                name,
                validity,
                name,
                keyPair.getPublic().getEncoded());
        Signature signer = Signature.getInstance(SIGNATURE);
        signer.initSign(keyPair.getPrivate());
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bits = new byte[signature.length + 1];
        System.arraycopy(signature, 0, bits, 1, signature.length);
        byte[] encoded = sequence(tbs, algorithm, der(0x03, bits));
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(encoded));
        certificate.verify(keyPair.getPublic());
        return new SessionCertificate(keyPair, certificate);
    }

    /** The SHA-256 of the certificate's encoding, which children pin. */
    byte[] pin() {
        return pin.clone();
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** A TLS 1.3 server context that presents this certificate. */
    SSLContext serverContext() throws GeneralSecurityException {
        char[] password = new char[0];
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (java.io.IOException e) {
            throw new GeneralSecurityException("could not create an empty key store", e);
        }
        store.setKeyEntry("session", keyPair.getPrivate(), password, new Certificate[] {certificate});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), null, new SecureRandom());
        return context;
    }

    private static byte[] sequence(byte[]... parts) {
        return der(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return der(0x31, concat(parts));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** One DER element: tag, definite length, content. */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 6);
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
