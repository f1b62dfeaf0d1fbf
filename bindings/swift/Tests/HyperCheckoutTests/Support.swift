// Test support: the emulator binary as a subprocess, unique requests, conformance files.

import Foundation
import HyperCheckout
import XCTest

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// bindings/swift/Tests/HyperCheckoutTests/Support.swift -> repository root.
let repoRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let testdataDir = repoRoot.appendingPathComponent("testdata")

let emulatorMerchantId = "emulator_merchant"
let emulatorApiKey = "emulator_api_key"

struct TestSetupError: Error, CustomStringConvertible {
    let description: String
}

/// One `hypercheckout-emulator` process on a free port (`--port 0`), in strict mode (the
/// documented contract) unless `strict: false` asks for the faithful default mode.
final class Emulator: @unchecked Sendable {
    let process = Process()
    let url: String

    static var binaryPath: String {
        ProcessInfo.processInfo.environment["HYPERCHECKOUT_EMULATOR"]
            ?? repoRoot.appendingPathComponent("target/debug/hypercheckout-emulator").path
    }

    init(_ arguments: [String] = [], strict: Bool = true) throws {
        let path = Emulator.binaryPath
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSetupError(
                description: "emulator binary not found at \(path): run `cargo build -p hypercheckout-emulator` "
                    + "or set HYPERCHECKOUT_EMULATOR (a path inside the repository)")
        }
        let stdout = Pipe()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--port", "0"] + (strict ? ["--strict"] : []) + arguments
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()

        // The first (and only) stdout line: `listening on http://127.0.0.1:PORT`.
        let reader = stdout.fileHandleForReading
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var data = Data()
            while !data.contains(UInt8(ascii: "\n")) {
                let chunk = reader.availableData
                if chunk.isEmpty { break }  // EOF: the emulator exited
                data.append(chunk)
            }
            box.line = String(decoding: data, as: UTF8.self)
            done.signal()
        }
        guard done.wait(timeout: .now() + 30) == .success,
            let match = box.line.range(of: #"https?://\S+"#, options: .regularExpression)
        else {
            process.terminate()
            throw TestSetupError(description: "the emulator did not report its address: \(String(reflecting: box.line))")
        }
        var url = String(box.line[match])
        while url.hasSuffix("/") { url.removeLast() }
        self.url = url
    }

    /// SIGKILL, not `terminate()`: on Linux, Foundation's `Process` starts the child with the
    /// spawning thread's signal mask, and Dispatch worker threads block SIGTERM, so the
    /// emulator would never see a SIGTERM (swift-corelibs-foundation issue 4772).
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// `GET /__emulator/stats?routing_id=X` -> (count for X, total of all counted requests).
    func stats(routingId: String) async throws -> (count: Int, total: Int) {
        var components = URLComponents(string: "\(url)/__emulator/stats")!
        components.queryItems = [URLQueryItem(name: "routing_id", value: routingId)]
        let request = URLRequest(url: components.url!, timeoutInterval: 10)
        let data: Data = try await withCheckedThrowingContinuation { continuation in
            URLSession.shared.dataTask(with: request) { data, _, error in
                if let data { continuation.resume(returning: data) } else {
                    continuation.resume(throwing: error ?? TestSetupError(description: "no stats answer"))
                }
            }.resume()
        }
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        guard let count = (object?["count"] as? NSNumber)?.intValue,
            let total = (object?["total"] as? NSNumber)?.intValue
        else { throw TestSetupError(description: "bad stats answer \(String(decoding: data, as: UTF8.self))") }
        return (count, total)
    }

    func count(routingId: String) async throws -> Int { try await stats(routingId: routingId).count }

    func config(
        apiKey: String = emulatorApiKey, timeoutMs: UInt64 = 30_000, overallTimeoutMs: UInt64 = 60_000,
        maxRetries: UInt32 = 2
    ) -> ClientConfig {
        ClientConfig(
            merchantId: emulatorMerchantId, apiKey: apiKey, environment: .sandbox, baseUrl: url,
            timeoutMs: timeoutMs, overallTimeoutMs: overallTimeoutMs, maxRetries: maxRetries)
    }
}

private final class LineBox: @unchecked Sendable {
    var line = ""
}

private let runTag = String(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(6)).lowercased()
private let counterLock = NSLock()
private var counter = 0

/// At most 20 characters of [A-Za-z0-9_-], unique per test run.
func uniqueOrderId(_ prefix: String = "sw") -> String {
    counterLock.lock()
    counter += 1
    let n = counter
    counterLock.unlock()
    return String("\(prefix.prefix(4))-\(runTag)-\(n)".prefix(20))
}

/// A valid request with a unique order id and customer id (so the routing id is unique too,
/// which keeps `times=N` faults and `/__emulator/stats` counts per test).
func makeRequest(orderId: String? = nil, fault: String? = nil, amount: String = "10.00") -> SessionRequest {
    let orderId = orderId ?? uniqueOrderId()
    return SessionRequest(
        orderId: orderId, amount: amount, customerId: "cust-\(orderId)",
        paymentPageClientId: "hypercheckout_test", action: .paymentPage,
        customerEmail: "test@mail.com", returnUrl: "https://shop.merchant.com/return",
        extraFields: fault.map { ["emulator_fault": $0] } ?? [:])
}

/// `{"about": ..., "cases": [...]}` from testdata/.
func loadCases(_ name: String) throws -> [[String: Any]] {
    let url = testdataDir.appendingPathComponent(name)
    guard let data = FileManager.default.contents(atPath: url.path) else {
        throw TestSetupError(description: "conformance file \(url.path) is missing")
    }
    guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
        let cases = root["cases"] as? [[String: Any]], !cases.isEmpty
    else { throw TestSetupError(description: "\(name): no cases") }
    return cases
}

/// JSON text of a JSON value read by JSONSerialization.
func jsonText(_ value: Any) throws -> String {
    String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
}

/// The multiset of (field, code), as sorted "field|code" strings.
func pairs(_ violations: [Violation]) -> [String] {
    violations.map { "\($0.field)|\($0.code)" }.sorted()
}

func pairs(_ expected: Any?) -> [String] {
    ((expected as? [[String: Any]]) ?? []).map { "\($0["field"] as? String ?? "?")|\($0["code"] as? String ?? "?")" }
        .sorted()
}

/// Runs `body`, returning the HyperCheckoutError it throws (failing the test otherwise).
func expectError<T>(
    _ body: () async throws -> T, file: StaticString = #filePath, line: UInt = #line
) async -> HyperCheckoutError? {
    do {
        let value = try await body()
        XCTFail("expected a HyperCheckoutError, got \(value)", file: file, line: line)
    } catch let error as HyperCheckoutError {
        return error
    } catch {
        XCTFail("expected a HyperCheckoutError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}

func expectError<T>(
    _ body: () throws -> T, file: StaticString = #filePath, line: UInt = #line
) -> HyperCheckoutError? {
    do {
        let value = try body()
        XCTFail("expected a HyperCheckoutError, got \(value)", file: file, line: line)
    } catch let error as HyperCheckoutError {
        return error
    } catch {
        XCTFail("expected a HyperCheckoutError, got \(type(of: error)): \(error)", file: file, line: line)
    }
    return nil
}

/// The variant name of an error, as the conformance files spell it.
func kind(_ error: HyperCheckoutError) -> String {
    switch error {
    case .Validation: return "Validation"
    case .Authentication: return "Authentication"
    case .InvalidRequest: return "InvalidRequest"
    case .NotFound: return "NotFound"
    case .RateLimited: return "RateLimited"
    case .Server: return "Server"
    case .Timeout: return "Timeout"
    case .Connection: return "Connection"
    case .Certificate: return "Certificate"
    case .UnexpectedResponse: return "UnexpectedResponse"
    case .NotAuthentic: return "NotAuthentic"
    case .Configuration: return "Configuration"
    case .Internal: return "Internal"
    }
}

/// The fields of an error, keyed as in testdata/responses.json (snake_case); absent = nil.
func fields(_ error: HyperCheckoutError) -> [String: Any?] {
    switch error {
    case .Authentication(let s, let st, let c, let m, let u, let r, let info, let excerpt),
        .InvalidRequest(let s, let st, let c, let m, let u, let r, let info, let excerpt),
        .NotFound(let s, let st, let c, let m, let u, let r, let info, let excerpt),
        .Server(let s, let st, let c, let m, let u, let r, let info, let excerpt):
        return [
            "http_status": Int(s), "status": st, "error_code": c, "error_message": m, "user_message": u,
            "request_id": r, "body_excerpt": excerpt,
        ].merging(errorInfoFields(info)) { a, _ in a }
    case .RateLimited(let s, let st, let c, let m, let u, let r, let info, let excerpt, let retry):
        return [
            "http_status": Int(s), "status": st, "error_code": c, "error_message": m, "user_message": u,
            "request_id": r, "body_excerpt": excerpt, "retry_after_seconds": retry.map { Int($0) },
        ].merging(errorInfoFields(info)) { a, _ in a }
    case .UnexpectedResponse(let s, let reason, let excerpt, let r):
        return ["http_status": Int(s), "reason": reason, "body_excerpt": excerpt, "request_id": r]
    case .Timeout(let reason), .Connection(let reason), .NotAuthentic(let reason), .Configuration(let reason),
        .Internal(let reason):
        return ["reason": reason]
    case .Certificate(let check, let reason):
        return ["check": "\(check)", "reason": reason]
    case .Validation(let violations):
        return ["violations": pairs(violations)]
    }
}

/// `error_info` under testdata/juspay/errors.json's names; `fields` is nil when there are none
/// (as in the Rust suite's `error_fields`).
func errorInfoFields(_ info: ErrorInfo?) -> [String: Any?] {
    let listed = (info?.fields ?? []).map { ["field_name": $0.fieldName, "reason": $0.reason] as [String: Any?] }
    return [
        "error_info_code": info?.code, "error_info_category": info?.category,
        "developer_message": info?.developerMessage, "error_info_request_id": info?.requestId,
        "fields": listed.isEmpty ? nil : listed,
    ]
}

/// JSON equality (key order irrelevant; booleans distinct from numbers).
func jsonEqual(_ a: Any?, _ b: Any?) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (is NSNull, is NSNull): return true
    case (let x as [String: Any], let y as [String: Any]):
        return x.count == y.count && x.allSatisfy { key, value in y.keys.contains(key) && jsonEqual(value, y[key]) }
    case (let x as [Any], let y as [Any]):
        return x.count == y.count && zip(x, y).allSatisfy { jsonEqual($0, $1) }
    case (let x as String, let y as String): return x == y
    case (let x as NSNumber, let y as NSNumber):
        return isBool(x) == isBool(y) && x == y
    default: return false
    }
}

/// JSONSerialization gives booleans as NSNumber of type "c" (char) on Darwin and Linux.
private func isBool(_ n: NSNumber) -> Bool {
    String(cString: n.objCType) == "c"
}

/// The source text of each case's `key` value in a testdata file, by case name. Needed because
/// re-serializing with JSONSerialization would rewrite number literals (`1.0` -> `1`), and
/// the vectors check that a number is kept exactly as written.
func rawCaseValues(_ file: String, key: String) throws -> [String: String] {
    let url = testdataDir.appendingPathComponent(file)
    guard let data = FileManager.default.contents(atPath: url.path) else {
        throw TestSetupError(description: "conformance file \(url.path) is missing")
    }
    let scanner = RawJSONScanner(bytes: Array(data))
    guard let cases = try scanner.members(ofObjectAt: 0).first(where: { $0.key == "cases" }) else {
        throw TestSetupError(description: "\(file): no cases")
    }
    var result: [String: String] = [:]
    for element in try scanner.elements(ofArrayAt: cases.range.lowerBound) {
        let members = try scanner.members(ofObjectAt: element.lowerBound)
        guard let name = members.first(where: { $0.key == "name" }),
            let value = members.first(where: { $0.key == key })
        else { continue }
        let nameText = scanner.text(name.range)
        let decodedName = try JSONSerialization.jsonObject(with: Data(nameText.utf8), options: .fragmentsAllowed)
        result[decodedName as? String ?? nameText] = scanner.text(value.range)
    }
    return result
}

/// A minimal JSON scanner that reports where values are in the source text.
struct RawJSONScanner {
    let bytes: [UInt8]

    func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    private func fail(_ i: Int) -> TestSetupError { TestSetupError(description: "bad JSON at byte \(i)") }

    private func skipSpace(_ i: inout Int) {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    /// Skips the value starting at `i` (after whitespace); returns its range.
    @discardableResult
    func skipValue(_ i: inout Int) throws -> Range<Int> {
        skipSpace(&i)
        guard i < bytes.count else { throw fail(i) }
        let start = i
        switch bytes[i] {
        case UInt8(ascii: "\""):
            i += 1
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
            guard i < bytes.count else { throw fail(start) }
            i += 1
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = bytes[i] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipSpace(&i)
            if i < bytes.count, bytes[i] == close {
                i += 1
                break
            }
            while true {
                try skipValue(&i)  // a key (then ':' and the value) or an element
                skipSpace(&i)
                if close == UInt8(ascii: "}") {
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail(i) }
                    i += 1
                    try skipValue(&i)
                    skipSpace(&i)
                }
                guard i < bytes.count else { throw fail(i) }
                if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                guard bytes[i] == close else { throw fail(i) }
                i += 1
                break
            }
        default:  // number, true, false, null
            while i < bytes.count, !([0x20, 0x09, 0x0A, 0x0D] + Array(",]}".utf8)).contains(bytes[i]) { i += 1 }
        }
        return start..<i
    }

    func members(ofObjectAt start: Int) throws -> [(key: String, range: Range<Int>)] {
        var i = start
        skipSpace(&i)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail(i) }
        i += 1
        var result: [(key: String, range: Range<Int>)] = []
        while true {
            skipSpace(&i)
            guard i < bytes.count else { throw fail(i) }
            if bytes[i] == UInt8(ascii: "}") { return result }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            let keyRange = try skipValue(&i)
            let key = try JSONSerialization.jsonObject(with: Data(bytes[keyRange]), options: .fragmentsAllowed) as? String
            skipSpace(&i)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw fail(i) }
            i += 1
            skipSpace(&i)
            let valueRange = try skipValue(&i)
            result.append((key ?? "", valueRange))
        }
    }

    func elements(ofArrayAt start: Int) throws -> [Range<Int>] {
        var i = start
        skipSpace(&i)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { throw fail(i) }
        i += 1
        var result: [Range<Int>] = []
        while true {
            skipSpace(&i)
            guard i < bytes.count else { throw fail(i) }
            if bytes[i] == UInt8(ascii: "]") { return result }
            if bytes[i] == UInt8(ascii: ",") {
                i += 1
                continue
            }
            result.append(try skipValue(&i))
        }
    }
}

/// Compares the keys present in `want` (JSON null = must be nil), recursing into objects.
func compareFields(_ path: String, _ got: [String: Any?], _ want: [String: Any]) -> [String] {
    var failures: [String] = []
    for (key, expected) in want {
        guard let entry = got[key] else {
            failures.append("\(path).\(key): no such field in the Swift value")
            continue
        }
        if let nested = expected as? [String: Any] {
            if let gotNested = entry as? [String: Any?] {
                failures += compareFields("\(path).\(key)", gotNested, nested)
            } else {
                failures.append("\(path).\(key): \(String(describing: entry)) is not an object")
            }
            continue
        }
        let ok: Bool
        switch (entry, expected) {
        case (nil, is NSNull): ok = true
        case (nil, _), (_, is NSNull): ok = false
        case (let g as String, let e as String): ok = g == e
        case (let g as Int, let e as NSNumber): ok = g == e.intValue
        case (let g as Bool, let e as NSNumber): ok = g == e.boolValue
        default: ok = false
        }
        if !ok {
            failures.append("\(path).\(key): \(String(describing: entry ?? nil)) != \(expected)")
        }
    }
    return failures
}

/// A test case whose tests share one emulator process: started on first use, stopped after
/// the class has run (the next class starts its own).
class EmulatorTestCase: XCTestCase {
    private static var shared: Emulator?
    private static let lock = NSLock()

    override class func tearDown() {
        lock.lock()
        shared?.stop()
        shared = nil
        lock.unlock()
        super.tearDown()
    }

    var emulator: Emulator {
        get throws {
            EmulatorTestCase.lock.lock()
            defer { EmulatorTestCase.lock.unlock() }
            if let emulator = EmulatorTestCase.shared { return emulator }
            let emulator = try Emulator()
            EmulatorTestCase.shared = emulator
            return emulator
        }
    }
}

/// Every way Swift turns a value into text (the secret canaries search all of them).
func everyText(_ value: Any) -> [String] {
    var dumped = ""
    dump(value, to: &dumped)
    var texts = ["\(value)", String(describing: value), String(reflecting: value), dumped]
    if let error = value as? Error {
        texts.append(error.localizedDescription)
        texts.append((error as NSError).description)
    }
    if let error = value as? LocalizedError {
        texts += [error.errorDescription, error.failureReason, error.recoverySuggestion].compactMap { $0 }
    }
    return texts
}
