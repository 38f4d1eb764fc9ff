import Foundation
import GantryCore

/// Feeds lines from a keyboard-wedge or serial scanner (standard input, or a device or file path) through a
/// `ScannerSession` to the agent's local API, and writes one answer line per scan for the operator.
public struct ScannerInput: Sendable {
    let agentURL: String
    let attempts: Int

    public init(agentURL: String, attempts: Int = 3) {
        self.agentURL = agentURL.hasSuffix("/") ? String(agentURL.dropLast()) : agentURL
        self.attempts = attempts
    }

    /// Reads `lines` to their end; returns how many scans were refused or failed.
    public func run(lines: some AsyncSequence<String, any Error>, say: @Sendable (String) -> Void) async throws -> Int {
        let http = try CurlHTTPClient()
        var session = ScannerSession()
        var problems = 0
        for try await line in lines {
            switch session.take(line) {
            case .say(let text):
                if !text.isEmpty { say(text) }
                if text.hasPrefix("REFUSED") { problems += 1 }
            case .post(let path, let body):
                let answer = await post(http, path: path, body: body)
                if !answer.hasPrefix("OK") { problems += 1 }
                say(answer)
            }
        }
        if session.pendingCountLines > 0 {
            say("NOT POSTED: \(session.pendingCountLines) counted line(s) without #END")
            problems += 1
        }
        return problems
    }

    /// Posts with the same request id up to `attempts` times, so a scan that timed out is never taken twice.
    private func post(_ http: CurlHTTPClient, path: String, body: String) async -> String {
        var lastError = ""
        for attempt in 1...attempts {
            do {
                let response = try await http.post(
                    url: agentURL + path, headers: ["Content-Type: application/json", "Accept: application/json"],
                    body: Data(body.utf8), timeout: .seconds(10))
                let json = (try? JSONValue.parse(String(decoding: response.body, as: UTF8.self))) ?? .null
                guard case .object(let members) = json else { return "FAILED the agent answered \(response.status) without JSON" }
                if (200..<300).contains(response.status) {
                    if case .string(let message)? = members["message"] { return "OK \(message)" }
                    return "OK"
                }
                var code = "refused", detail = ""
                if case .string(let type)? = members["type"] { code = String(type.split(separator: ":").last ?? "refused") }
                if case .string(let text)? = members["detail"] { detail = text }
                return "REFUSED \(code): \(detail)"
            } catch {
                lastError = "\(error)"
                if attempt < attempts { try? await Task.sleep(for: .milliseconds(300 * attempt)) }
            }
        }
        return "FAILED the agent cannot be reached (\(lastError)); scan again"
    }

    /// Lines of a file descriptor's input (CR LF or LF), read on a thread of their own.
    public static func lines(of handle: FileHandle) -> AsyncThrowingStream<String, any Error> {
        AsyncThrowingStream { continuation in
            let thread = Thread {
                var pending = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    pending.append(chunk)
                    while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                        var line = pending[pending.startIndex..<newline]
                        if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                        continuation.yield(String(decoding: line, as: UTF8.self))
                        pending.removeSubrange(pending.startIndex...newline)
                    }
                }
                if !pending.isEmpty { continuation.yield(String(decoding: pending, as: UTF8.self)) }
                continuation.finish()
            }
            thread.start()
        }
    }
}
