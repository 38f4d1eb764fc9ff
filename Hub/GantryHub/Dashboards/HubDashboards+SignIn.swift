import Foundation
import GantryCore
import GantryPages
import Hummingbird
import Logging

/// Signing in with a principal's API token into a session cookie, and signing out.
extension HubDashboards {
    /// `GET /dashboards/sign-in`: the form.
    func signInPage(_ request: Request) -> Response {
        html(signInText(error: nil, next: nextPage(request.uri.queryParameters["next"].map(String.init))))
    }

    /// `POST /dashboards/sign-in` (`token`, `next`): a principal allowed to read reports gets a new session and
    /// is sent on to `next` (a dashboard page) or the group overview; anything else is the form again with 401,
    /// or 429 while too many sign-ins failed.
    func signIn(_ request: Request) async -> Response {
        do {
            if let seconds = await throttle.retryAfter() {
                return html(
                    signInText(error: "Too many failed sign-ins. Try again in \(seconds) seconds.", next: nil), status: .tooManyRequests,
                    headers: [.retryAfter: String(seconds)])
            }
            let form = try await self.form(request)
            let next = nextPage(form["next"])
            guard let token = form["token"], !token.isEmpty, token.count <= 256 else { return await refuse("no token given", next: next) }
            let now = api.now()
            guard let principal = try await store.principal(tokenHash: SecretToken.hash(token)) else {
                return await refuse("unknown token", next: next)
            }
            guard usable(principal, now: now) else { return await refuse("principal \(principal.name) may not read reports now", next: next) }
            try await store.deleteExpiredDashboardSessions(now: now, idleSince: now.addingTimeInterval(-policy.idle))
            let id = PageSessionText.newID()
            try await store.addDashboardSession(policy.start(principal: principal.name, idHash: SecretToken.hash(id), now: now))
            logger.info("dashboard sign-in", metadata: ["principal": "\(principal.name)"])
            return redirect(next ?? Self.root, headers: [.setCookie: PageSessionText.setCookie(id, secure: secure(request))])
        } catch {
            return problemPage(error, viewer: nil)
        }
    }

    /// `POST /dashboards/sign-out` (`csrf`): deletes the session and clears the cookie. Without the session's CSRF
    /// token it is refused (403), so another site cannot sign a viewer out.
    func signOut(_ request: Request) async -> Response {
        await respond(request) { viewer in
            try await requireCSRF(request, viewer: viewer)
            if let id = request.cookies[Self.cookie]?.value { try await store.deleteDashboardSession(idHash: SecretToken.hash(id)) }
            return redirect("\(Self.root)/sign-in", headers: [.setCookie: PageSessionText.clearCookie])
        }
    }

    /// Refuses a form post whose `csrf` field is not the session's token (compared in constant time).
    func requireCSRF(_ request: Request, viewer: DashboardViewer) async throws {
        let sent = try await form(request)["csrf"] ?? ""
        guard PageSessionText.constantTimeEqual(sent, viewer.csrf) else {
            throw ProblemDetails(code: "csrf", title: "Form refused", status: 403, detail: "The form did not carry this session's token; reload the page and try again.")
        }
    }

    /// A failed sign-in: counted, logged, and the form again.
    private func refuse(_ reason: String, next: String?) async -> Response {
        await throttle.failed()
        logger.notice("dashboard sign-in refused", metadata: ["reason": "\(reason)"])
        return html(signInText(error: "That token does not sign in to the dashboards.", next: next), status: .unauthorized)
    }

    private func signInText(error: String?, next: String?) -> String {
        let view = SignInView(
            frame: frame(title: "Sign in", viewer: nil), action: "\(Self.root)/sign-in", error: error, next: next,
            tokenLabel: "Your API token")
        return (try? renderer.render(view, template: "sign-in")) ?? "sign-in page missing"
    }

    /// Whether the request came over TLS (its URI says https) or the hub is configured to mark cookies Secure.
    func secure(_ request: Request) -> Bool {
        secureCookies || request.uri.scheme?.rawValue == "https" || request.head.scheme == "https"
    }

    /// Where to go after sign-in: only a page of the dashboards (never another site).
    func nextPage(_ text: String?) -> String? { PageSessionText.nextPage(text, root: Self.root) }

    /// A URL-encoded form body of at most 16 KiB, as fields.
    func form(_ request: Request) async throws -> [String: String] {
        PageSessionText.formFields(String(buffer: try await request.body.collect(upTo: 16_384)))
    }
}
