import CCurl
import GantryCore
import Foundation
import Synchronization

/// One libcurl easy handle, driven on its own serial queue so the blocking `curl_easy_perform` never
/// occupies a cooperative thread. Reusing the handle keeps the connection to the hub alive between batches.
///
/// `@unchecked Sendable`: the raw handle is touched only on `queue`, and freed in `deinit` when no
/// request can be running (every request holds a strong reference until it finishes).
final class CurlHTTPClient: @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    /// A request that produced no HTTP response: refused connection, timeout, TLS failure, …
    struct TransportError: Error, Sendable, CustomStringConvertible {
        var code: UInt32
        var message: String
        var description: String { message }

        /// Whether TLS failed: the peer's certificate did not verify, a local certificate or CA file was unusable,
        /// or the handshake was refused (e.g. a hub that requires a client certificate).
        var isTLSFailure: Bool {
            let tlsCodes: [CURLcode] = [
                CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER, CURLE_PEER_FAILED_VERIFICATION,
                CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CLIENTCERT, CURLE_SSL_INVALIDCERTSTATUS,
            ]
            if tlsCodes.contains(where: { $0.rawValue == code }) { return true }
            // Under TLS 1.3 a refused client certificate arrives as an alert on the first read.
            let transfer: [CURLcode] = [CURLE_RECV_ERROR, CURLE_SEND_ERROR]
            return transfer.contains(where: { $0.rawValue == code }) && (message.contains("SSL") || message.contains("alert"))
        }
    }

    private let handle: UnsafeMutableRawPointer
    private let tls: HubTLSClientSettings
    private let queue = DispatchQueue(label: "gantry.sync.curl")

    private static let globalInit: CURLcode = gantry_curl_global_init()

    /// `tls` says which CA verifies an `https://` peer (the system store by default) and which client certificate
    /// to present, if any.
    init(tls: HubTLSClientSettings = HubTLSClientSettings()) throws {
        self.tls = tls
        // curl_global_init is not thread-safe; a static let runs it exactly once.
        guard Self.globalInit == CURLE_OK, let handle = curl_easy_init() else {
            throw TransportError(code: 0, message: "libcurl could not be initialised")
        }
        self.handle = handle
    }

    deinit {
        curl_easy_cleanup(handle)
    }

    /// POSTs `body` and returns the response; throws `TransportError` when no response came, and
    /// `CancellationError` when the calling task was cancelled mid-transfer.
    func post(url: String, headers: [String], body: Data, timeout: Duration) async throws -> Response {
        try await perform(url: url, headers: headers, body: body, timeout: timeout, maximumBody: Transfer.maximumSyncAnswer)
    }

    /// POSTs `body` within `timeouts`: connecting, the whole request, and the low-speed abort that gives up a
    /// stalled transfer before the request's time is out.
    func post(url: String, headers: [String], body: Data, timeouts: SyncStateMachine.Timeouts) async throws -> Response {
        try await perform(
            url: url, headers: headers, body: body, timeout: timeouts.request, maximumBody: Transfer.maximumSyncAnswer,
            connectTimeout: timeouts.connect, lowSpeed: timeouts.lowSpeedBytesPerSecond > 0 ? (timeouts.lowSpeedBytesPerSecond, timeouts.lowSpeedTime) : nil)
    }

    /// Sends `body` with another method than POST (PUT, PATCH).
    func send(method: String, url: String, headers: [String], body: Data, timeout: Duration) async throws -> Response {
        guard method != "POST" else { return try await post(url: url, headers: headers, body: body, timeout: timeout) }
        return try await perform(url: url, headers: headers, body: body, timeout: timeout, maximumBody: Transfer.maximumSyncAnswer, method: method)
    }

    /// GETs `url`, accepting a body of at most `maximumBody` bytes.
    func get(url: String, headers: [String], timeout: Duration, maximumBody: Int) async throws -> Response {
        try await perform(url: url, headers: headers, body: nil, timeout: timeout, maximumBody: maximumBody)
    }

    private func perform(
        url: String, headers: [String], body: Data?, timeout: Duration, maximumBody: Int, method: String? = nil,
        connectTimeout: Duration = .seconds(10), lowSpeed: (bytesPerSecond: Int, time: Duration)? = nil
    ) async throws -> Response {
        let transfer = Transfer(maximumBody: maximumBody, method: method)
        transfer.connectTimeout = connectTimeout
        transfer.lowSpeed = lowSpeed
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                queue.async {
                    continuation.resume(with: Result {
                        try self.perform(url: url, headers: headers, body: body, timeout: timeout, transfer: transfer)
                    })
                }
            }
        } onCancel: {
            transfer.cancelled.store(true, ordering: .relaxed)
        }
    }

    private func perform(url: String, headers: [String], body: Data?, timeout: Duration, transfer: Transfer) throws -> Response {
        if transfer.cancelled.load(ordering: .relaxed) { throw CancellationError() }
        curl_easy_reset(handle)
        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let milliseconds = Self.milliseconds(timeout)
        let code: CURLcode = (body ?? Data()).withUnsafeBytes { bytes in
            errorBuffer.withUnsafeMutableBufferPointer { errors in
                let context = Unmanaged.passUnretained(transfer).toOpaque()
                gantry_curl_setopt_string(handle, CURLOPT_URL, url)
                if body != nil {
                    gantry_curl_setopt_long(handle, CURLOPT_POST, 1)
                    gantry_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
                    gantry_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
                } else {
                    gantry_curl_setopt_long(handle, CURLOPT_HTTPGET, 1)
                }
                if let method = transfer.method { gantry_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method) }
                gantry_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, list)
                // Without NOSIGNAL libcurl may use SIGALRM for DNS timeouts, which is unsafe with threads.
                gantry_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
                gantry_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds)
                gantry_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, Self.milliseconds(transfer.connectTimeout)))
                if let lowSpeed = transfer.lowSpeed {
                    // Under `bytesPerSecond` for `time` seconds ends the transfer with CURLE_OPERATION_TIMEDOUT.
                    gantry_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, lowSpeed.bytesPerSecond)
                    gantry_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, max(Int(lowSpeed.time.components.seconds), 1))
                }
                gantry_curl_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, "")
                gantry_curl_setopt_string(handle, CURLOPT_USERAGENT, "gantry-agent")
                gantry_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errors.baseAddress)
                // libcurl copies option strings, so these need not outlive the call.
                if let file = tls.caFile { gantry_curl_setopt_string(handle, CURLOPT_CAINFO, file) }
                if let file = tls.certificateFile { gantry_curl_setopt_string(handle, CURLOPT_SSLCERT, file) }
                if let file = tls.keyFile { gantry_curl_setopt_string(handle, CURLOPT_SSLKEY, file) }
                gantry_curl_setopt_write_callback(handle) { data, size, count, userdata in
                    let transfer = Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue()
                    let length = size * count
                    // Returning less than `length` makes libcurl abort with CURLE_WRITE_ERROR: a runaway body is refused.
                    guard transfer.body.count + length <= transfer.maximumBody else { return 0 }
                    if let data, length > 0 { transfer.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length) }
                    return length
                }
                gantry_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context)
                // The progress callback is the documented way to abort a transfer: a non-zero return ends it.
                gantry_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
                gantry_curl_setopt_progress_callback(handle) { userdata, _, _, _, _ in
                    Unmanaged<Transfer>.fromOpaque(userdata!).takeUnretainedValue().cancelled.load(ordering: .relaxed) ? 1 : 0
                }
                gantry_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context)
                return curl_easy_perform(handle)
            }
        }
        if transfer.cancelled.load(ordering: .relaxed) { throw CancellationError() }
        guard code == CURLE_OK else {
            let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw TransportError(
                code: code.rawValue,
                message: detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
        }
        var status = 0
        gantry_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: transfer.body)
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}

/// State shared with libcurl's callbacks for one request.
/// `@unchecked Sendable`: `body` is written only by the write callback on the curl queue and read after
/// `curl_easy_perform` returns on that queue; `cancelled` is atomic.
private final class Transfer: @unchecked Sendable {
    /// Answers to sync batches are small JSON documents; anything larger is not the protocol.
    static let maximumSyncAnswer = 1 << 20
    let maximumBody: Int
    /// A method other than GET or POST, sent with the POST machinery.
    let method: String?
    var body = Data()
    let cancelled = Atomic<Bool>(false)
    /// Set before the transfer starts, read on the curl queue.
    var connectTimeout: Duration = .seconds(10)
    var lowSpeed: (bytesPerSecond: Int, time: Duration)?

    init(maximumBody: Int, method: String? = nil) {
        self.maximumBody = maximumBody
        self.method = method
    }
}
