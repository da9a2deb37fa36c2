package org.nixswarm.client.faults;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nixswarm.client.ClientConfig;
import org.nixswarm.client.ClientException;
import org.nixswarm.client.SwarmClient;
import org.nixswarm.client.TestBundle;
import org.nixswarm.client.net.BlockingGet;
import org.nixswarm.core.sign.SecretKey;

/**
 * An {@code --index} or {@code --upstream} that is not an http(s) URL is refused when the client
 * starts, naming the option. (An ftp: or file: one used to pass, and then every lookup threw a
 * ClassCastException out of BlockingGet: a 500 per narinfo, a stack trace from {@code fetch}.)
 */
class BadSourceUrlTest {

    @TempDir Path tmp;

    private ClientConfig base() throws IOException {
        return ClientConfig.defaults(tmp.resolve("client"), TestBundle.freePort());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:1/", "file:///tmp/", "http://bad host/", "http://127.0.0.1:99999/", "127.0.0.1:8080"})
    void aBadIndexUrlIsRefusedAtStartNamingTheOption(String url) throws Exception {
        String key = SecretKey.generate("p-1", new java.security.SecureRandom()).publicKey().toNixFormat();
        ClientException e = assertThrows(ClientException.class, () -> new SwarmClient(base().withIndex(url, key)).close());
        assertTrue(e.getMessage().startsWith("--index") && e.getMessage().contains(url), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:1/", "file:///tmp/", "http://bad host/", "http://127.0.0.1:99999/", "127.0.0.1:8080"})
    void aBadUpstreamUrlIsRefusedAtStartNamingTheOption(String url) throws Exception {
        ClientException e = assertThrows(ClientException.class, () -> new SwarmClient(base().withUpstream(url, List.of())).close());
        assertTrue(e.getMessage().startsWith("--upstream") && e.getMessage().contains(url), e.getMessage());
    }

    /** The same URLs reach BlockingGet from torrents (trackers): an IOException, never another exception. */
    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1:1/x", "file:///etc/hostname", "http://bad host/x", "http://127.0.0.1:99999/x", "jar:file:/x!/y"})
    void blockingGetRefusesWhatIsNotAnHttpUrlWithAnIoError(String url) {
        assertThrows(IOException.class, () -> BlockingGet.get(url, Duration.ofSeconds(1), 1024));
    }
}
