// Issue 15 items 3-5 in Swift: a call through a real proxy (Debian's tinyproxy, started on
// the host loopback by scripts/test-swift.sh), the emulator's TLS mode trusted only through
// its CA (refused with the failed check without it), and per-call RequestOptions.

import Foundation
import HyperCheckout
import XCTest

final class NetworkTests: XCTestCase {
    private func tlsEmulator(_ extra: [String] = []) throws -> (Emulator, String) {
        let ca = FileManager.default.temporaryDirectory
            .appendingPathComponent("hc-ca-\(UUID().uuidString).pem")
        let emulator = try Emulator(["--tls", ca.path] + extra)
        let pem = try String(contentsOf: ca, encoding: .utf8)
        try? FileManager.default.removeItem(at: ca)
        return (emulator, pem)
    }

    private func config(_ emulator: Emulator) -> ClientConfig {
        var config = emulator.config(maxRetries: 0)
        config.proxyFromEnv = false  // whoever runs the tests must not choose where they connect
        return config
    }

    private func proxy() throws -> (url: String, password: String, log: String) {
        let env = ProcessInfo.processInfo.environment
        guard let url = env["HYPERCHECKOUT_TEST_PROXY_URL"], let password = env["HYPERCHECKOUT_TEST_PROXY_PASSWORD"],
            let log = env["HYPERCHECKOUT_TEST_PROXY_LOG"]
        else {
            throw TestSetupError(description: "no test proxy: run bash scripts/test-swift.sh (it starts tinyproxy)")
        }
        return (url, password, log)
    }

    func testTLSEmulatorIsTrustedOnlyThroughItsCA() async throws {
        let (emulator, ca) = try tlsEmulator()
        defer { emulator.stop() }
        XCTAssertTrue(emulator.url.hasPrefix("https://127.0.0.1:"), emulator.url)
        var trusting = config(emulator)
        trusting.caBundlePem = ca
        _ = try await Client(config: trusting).createSession(request: makeRequest())
        trusting.trustBundledRoots = false
        _ = try await Client(config: trusting).createSession(request: makeRequest())
        do {
            _ = try await Client(config: config(emulator)).createSession(request: makeRequest())
            XCTFail("an unknown CA must be refused")
        } catch let error as HyperCheckoutError {
            guard case .certificate(let check, let reason) = error.kind else { return XCTFail("\(error)") }
            XCTAssertEqual(check, .unknownIssuer)
            XCTAssertTrue(reason.contains("ca_bundle_pem"), reason)
            XCTAssertTrue("\(error)".contains("unknown issuer"), "\(error)")
        }
        let (other, otherCa) = try tlsEmulator(["--tls-name", "api.juspay.example"])
        defer { other.stop() }
        var mismatch = config(other)
        mismatch.caBundlePem = otherCa
        do {
            _ = try await Client(config: mismatch).createSession(request: makeRequest())
            XCTFail("a certificate for another name must be refused")
        } catch let error as HyperCheckoutError {
            guard case .certificate(let check, _) = error.kind else { return XCTFail("\(error)") }
            XCTAssertEqual(check, .nameMismatch)
        }
    }

    func testCallsGoThroughAProxyWhosePasswordNeverShows() async throws {
        let proxy = try proxy()
        let (emulator, ca) = try tlsEmulator()
        defer { emulator.stop() }
        var through = config(emulator)
        through.caBundlePem = ca
        through.proxyUrl = proxy.url
        XCTAssertFalse("\(through)".contains(proxy.password), "\(through)")
        var dumped = ""
        dump(through, to: &dumped)
        XCTAssertFalse(dumped.contains(proxy.password), dumped)
        _ = try await Client(config: through).createSession(request: makeRequest())
        let port = emulator.url.split(separator: ":").last.map(String.init) ?? ""
        let logged = (try? String(contentsOfFile: proxy.log, encoding: .utf8)) ?? ""
        XCTAssertTrue(logged.contains("CONNECT 127.0.0.1:\(port)"), logged)

        // A proxy that is not there: a clear connection error, without the password.
        let closed = "http://proxyuser:\(proxy.password)@127.0.0.1:1"
        var dead = through
        dead.proxyUrl = closed
        do {
            _ = try await Client(config: dead).createSession(request: makeRequest())
            XCTFail("a dead proxy must fail")
        } catch let error as HyperCheckoutError {
            guard case .connection(let reason) = error.kind else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("through proxy http://[redacted]@127.0.0.1:1"), reason)
            XCTAssertFalse("\(error)".contains(proxy.password))
        }
        dead.noProxy = ["127.0.0.1"]
        _ = try await Client(config: dead).createSession(request: makeRequest())
    }

    func testAPerCallTimeoutBeatsTheClients() async throws {
        let slow = try Emulator(["--fault", "delay;ms=3000"])
        defer { slow.stop() }
        var settings = config(slow)
        settings.timeoutMs = 10_000
        let client = try Client(config: settings)
        let started = Date()
        do {
            _ = try await client.createSession(request: makeRequest(), options: RequestOptions(timeoutMs: 300))
            XCTFail("the per-call timeout must win")
        } catch let error as HyperCheckoutError {
            guard case .timeout(let reason) = error.kind else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("per-attempt limit 300 ms"), reason)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 2.5)
    }

    func testPerCallMaxRetriesAndRoutingId() async throws {
        let failing = try Emulator(["--fault", "503"])
        defer { failing.stop() }
        let client = try Client(config: failing.config(maxRetries: 2))
        let once = makeRequest()
        do {
            _ = try await client.createSession(request: once, options: RequestOptions(maxRetries: 0))
            XCTFail("503 must fail")
        } catch is HyperCheckoutError {}
        let onceCount = try await failing.count(routingId: routingId(request: once))
        XCTAssertEqual(onceCount, 1)

        let emulator = try Emulator()
        defer { emulator.stop() }
        let route = "sw-route-\(UUID().uuidString.prefix(8))"
        let plain = try Client(config: emulator.config())
        let session = try await plain.createSession(request: makeRequest(), options: RequestOptions(routingId: route))
        XCTAssertEqual(session.routingId, route)
        _ = try await plain.getOrderStatus(
            orderId: session.orderId, routingId: "ignored", options: RequestOptions(routingId: route))
        let count = try await emulator.count(routingId: route)
        XCTAssertEqual(count, 2)
    }
}
