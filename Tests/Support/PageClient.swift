import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A browser for page tests without cookie storage or redirects: the test sees every Set-Cookie and Location, and
/// holds the session cookie itself (`cookie`).
public final class PageClient: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    // @unchecked: `cookie` is set and read by one test at a time, between requests.
    public let base: String
    public var cookie: String?
    private lazy var session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        return URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
    }()

    public init(_ base: String) { self.base = base }

    public struct Page: Sendable {
        public var status: Int
        public var text: String
        public var headers: [String: String]
        public func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    public func get(_ path: String) async throws -> Page { try await send("GET", path, form: nil) }

    public func post(_ path: String, form: [String: String]) async throws -> Page {
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await send("POST", path, form: body)
    }

    private func send(_ method: String, _ path: String, form: String?) async throws -> Page {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = method
        if let cookie { request.setValue("gantry_session=\(cookie)", forHTTPHeaderField: "Cookie") }
        if let form {
            request.httpBody = Data(form.utf8)
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
            for (name, value) in http.allHeaderFields { if let name = name as? String, let value = value as? String { headers[name] = value } }
            return Page(status: http.statusCode, text: String(decoding: data, as: UTF8.self), headers: headers)
    }

    public func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    /// Signs in with `token`; answers the sign-in's response and keeps the session cookie.
    @discardableResult public func signIn(_ token: String, next: String? = nil) async throws -> Page {
        var form = ["token": token]
        if let next { form["next"] = next }
        let page = try await post("/dashboards/sign-in", form: form)
        if let setCookie = page.header("Set-Cookie"), let value = setCookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last {
            cookie = String(value)
        }
        return page
    }

    /// The CSRF token of the sign-out form on `page`.
    public func csrf(on page: Page) -> String? {
        page.text.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.components(separatedBy: "\"").first
    }
}

