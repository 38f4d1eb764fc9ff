import Foundation
import GantryCore
import GantryPages
import GantryWeb
import Hummingbird
import Logging

/// The hub's dashboard pages (HTML, docs/dashboards.md): sign-in into a session cookie, and the drill-down
/// group → company → plant → line → machine over the stored KPI rollups, scoped to the viewer's companies.
///
/// Pages are not API routes: they are not in `HubEndpoint` (no bearer token, no problem+json), and every answer,
/// refusals included, is a page. To add a page: a template in `PageTemplates`, a view model, and one `page(…)`
/// line in `addRoutes`.
struct HubDashboards: Sendable {
    let api: HubAPI
    let renderer: PageRenderer
    let policy: DashboardSessionPolicy
    let throttle: SignInThrottle
    /// Whether the session cookie is marked `Secure` (the hub is reached over TLS).
    let secureCookies: Bool

    /// The pages' root path.
    static let root = "/dashboards"
    /// The session cookie's name.
    static let cookie = PageSessionText.cookie
    /// How long a session's last-seen time may lag its last page (idle expiry may come that much early).
    static let touchEvery: TimeInterval = 30

    init(api: HubAPI, policy: DashboardSessionPolicy = DashboardSessionPolicy(), secureCookies: Bool = false, throttle: SignInThrottle? = nil) throws {
        self.api = api
        renderer = try PageTemplates.renderer()
        self.policy = policy
        self.secureCookies = secureCookies
        self.throttle = throttle ?? SignInThrottle(now: api.now)
    }

    var store: any HubStore { api.store }
    var logger: Logger { api.logger }

    /// Adds the dashboards to the hub's router; templates that do not compile (a defect of this build) leave the
    /// hub serving its API without pages, and say so in the log.
    static func add(to router: Router<BasicRequestContext>, api: HubAPI, secureCookies: Bool = false) {
        do {
            try HubDashboards(api: api, secureCookies: secureCookies).addRoutes(to: router)
        } catch {
            api.logger.error("dashboard pages are off: their templates do not compile", metadata: ["error": "\(error)"])
        }
    }

    /// Adds the sign-in, sign-out and page routes to the hub's router.
    func addRoutes(to router: Router<BasicRequestContext>) {
        /// One page route: a signed-in viewer (else the sign-in page), the page built, refusals as pages.
        func page(
            _ path: String,
            _ build: @escaping @Sendable (DashboardViewer, Request, BasicRequestContext) async throws -> DashboardView
        ) {
            router.get(RouterPath(Self.root + path)) { request, context in
                await respond(request) { viewer in
                    html(try renderer.render(try await build(viewer, request, context), template: "dashboard"))
                }
            }
        }

        router.get(RouterPath("\(Self.root)/sign-in")) { request, _ in signInPage(request) }
        router.post(RouterPath("\(Self.root)/sign-in")) { request, _ in await signIn(request) }
        router.post(RouterPath("\(Self.root)/sign-out")) { request, _ in await signOut(request) }
        page("") { viewer, request, _ in try await groupPage(viewer, request) }
        router.get(RouterPath("\(Self.root)/operations")) { request, _ in
            await respond(request) { viewer in html(try renderer.render(try await operationsPage(viewer, request), template: "operations")) }
        }
        router.get(RouterPath("\(Self.root)/executive")) { request, _ in
            await respond(request) { viewer in html(try renderer.render(try await executivePage(viewer, request), template: "operations")) }
        }
        page("/companies/:company") { viewer, request, context in try await companyPage(viewer, request, company: try segment("company", context)) }
        page("/plants/:plant") { viewer, request, context in try await plantPage(viewer, request, plantID: try segment("plant", context)) }
        page("/plants/:plant/lines/:line") { viewer, request, context in
            try await linePage(viewer, request, plantID: try segment("plant", context), line: try segment("line", context))
        }
        page("/plants/:plant/lines/:line/machines/:machine") { viewer, request, context in
            try await machinePage(
                viewer, request, plantID: try segment("plant", context), line: try segment("line", context),
                machine: try segment("machine", context))
        }
    }

    /// A page for a signed-in viewer: without a valid session, a redirect to the sign-in page (which brings the
    /// viewer back here); a refusal is a page with its status.
    func respond(_ request: Request, _ body: (DashboardViewer) async throws -> Response) async -> Response {
        let found: DashboardViewer?
        do { found = try await viewer(request) } catch { return problemPage(error, viewer: nil) }
        guard let viewer = found else {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return redirect("\(Self.root)/sign-in?next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        }
        do { return try await body(viewer) } catch { return problemPage(error, viewer: viewer) }
    }

    /// The viewer of a request's session cookie; nil without a cookie, for an unknown or expired session (which
    /// is deleted), or when its principal was revoked, expired, or lost the permission to read reports.
    func viewer(_ request: Request) async throws -> DashboardViewer? {
        guard let id = request.cookies[Self.cookie]?.value, !id.isEmpty, id.count <= 128 else { return nil }
        let hash = SecretToken.hash(id)
        guard let session = try await store.dashboardSession(idHash: hash) else { return nil }
        let now = api.now()
        guard policy.decide(session, now: now) == .valid else {
            try await store.deleteDashboardSession(idHash: hash)
            return nil
        }
        guard let principal = try await store.principals().first(where: { $0.name == session.principal }), usable(principal, now: now) else {
            try await store.deleteDashboardSession(idHash: hash)
            return nil
        }
        // Idle expiry runs in tens of minutes: a session seen within the last `touchEvery` is not written again for
        // this page, so viewers reading pages read only (a write per page queued 20 viewers behind SQLite's writer).
        if now.timeIntervalSince(session.lastSeenAt) >= Self.touchEvery { try await store.touchDashboardSession(idHash: hash, at: now) }
        return DashboardViewer(principal: principal, csrf: DashboardSessionPolicy.csrfToken(sessionID: id, hash: sha256Hex))
    }

    /// Whether a principal may use the pages now: not revoked, not expired, allowed to read reports.
    func usable(_ principal: PrincipalRecord, now: Date) -> Bool {
        principal.revokedAt == nil && (principal.expiresAt.map { $0 > now } ?? true) && principal.role.allows(.readOperations)
    }

    /// A decoded path segment (`ACME-01`, a line or machine code).
    func segment(_ name: String, _ context: BasicRequestContext) throws -> String {
        guard let value = context.parameters.get(name)?.removingPercentEncoding, !value.isEmpty, value.count <= 64 else {
            throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no such page")
        }
        return value
    }

    // MARK: Answers

    func frame(title: String, viewer: DashboardViewer?) -> PageFrame {
        var frame = PageFrame(
            lang: "en", title: title, user: viewer?.principal.name, csrf: viewer?.csrf, signOut: "\(Self.root)/sign-out", server: "Gantry hub")
        frame.pages = [.init(name: "Overview", link: Self.root), .init(name: "Buyers, planners, plant managers", link: "\(Self.root)/operations"),
            .init(name: "Executives", link: "\(Self.root)/executive"),
        ]
        return frame
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        PageResponse.html(text, status: status, headers: extra)
    }

    func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        PageResponse.redirect(location, headers: extra)
    }

    /// A refusal as a page: its status, title and detail; anything unexpected is logged and shown as a 500 page
    /// without its details.
    func problemPage(_ error: any Error, viewer: DashboardViewer?) -> Response {
        let problem: ProblemDetails
        if let reporting = error as? any ProblemReporting {
            problem = reporting.problem
        } else {
            logger.error("dashboard page failed", metadata: ["error": "\(error)"])
            problem = ProblemDetails(code: "internal", title: "Something went wrong", status: 500, detail: "The page could not be made; the hub's log says why.")
        }
        let view = ProblemView(
            frame: frame(title: problem.title, viewer: viewer), status: problem.status, heading: problem.title, detail: problem.detail,
            back: Self.root)
        let text = (try? renderer.render(view, template: "problem")) ?? problem.detail
        return html(text, status: HTTPResponse.Status(code: problem.status))
    }
}

/// Who is looking at a page: the session's principal, read afresh, and the session's CSRF token for its forms.
struct DashboardViewer: Sendable {
    var principal: PrincipalRecord
    var csrf: String
    var scope: CompanyScope { principal.companies }
}
