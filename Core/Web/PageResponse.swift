import Hummingbird
import NIOCore

/// The answers of the web pages the hub and the agents serve: an HTML page and a redirect after a form, with the
/// headers every page carries (never cached, no MIME sniffing, and a Content-Security-Policy that allows inline
/// styles and same-origin images only, forms only to the server itself, and no framing).
public enum PageResponse {
    /// An HTML page with `status`; `extra` headers (a cookie, `Retry-After`) are added to the fixed ones.
    public static func html(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
            .xContentTypeOptions: "nosniff",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// `303 See Other` to `location`, never cached.
    public static func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        headers.append(contentsOf: extra)
        return Response(status: .seeOther, headers: headers)
    }
}
