import Foundation
import GantryCore
import GantryPages
import GantryWeb
import Hummingbird
import Logging

/// The agent's dashboard pages for its own plant (docs/dashboards.md), from its local store only, so they keep
/// working with the hub or the WAN down: the plant manager's page (every machine's OEE, A, E and QR over the
/// current shift by default, the plant's waterfall, Pareto and down stretches) and a machine's page. The same
/// templates and view models as the hub's pages, and the same KPI code (`MachineElements`, `KPIElements`).
///
/// Plant users (`users.file`) sign in with their token into a session cookie, as at the hub. Pages are not
/// API routes: every answer, refusals included, is a page.
struct AgentDashboards: Sendable {
    let store: any PlantStore
    let users: PlantUsers
    /// The configured downtime reasons, overlaid by the hub's `downtime-reason` masters.
    let reasons: DowntimeReasons
    let renderer: PageRenderer
    let policy: DashboardSessionPolicy
    /// Failed sign-ins, limited as at the hub (429 with Retry-After while over the limit).
    let throttle: SignInThrottle
    let now: @Sendable () -> Date
    let logger: Logger

    static let root = "/dashboards"

    /// Adds the pages to the agent's router; templates that do not compile (a defect of this build) leave the
    /// agent serving its API without pages, and say so in the log.
    static func add(
        to router: Router<BasicRequestContext>, store: any PlantStore, users: PlantUsers, reasons: DowntimeReasons, now: @escaping @Sendable () -> Date,
        logger: Logger
    ) {
        do {
            let pages = AgentDashboards(
                store: store, users: users, reasons: reasons, renderer: try PageTemplates.renderer(), policy: DashboardSessionPolicy(),
                throttle: SignInThrottle(now: now), now: now, logger: logger)
            pages.addRoutes(to: router)
        } catch {
            logger.error("dashboard pages are off: their templates do not compile", metadata: ["error": "\(error)"])
        }
    }

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.get(RouterPath("\(Self.root)/sign-in")) { request, _ in
            html(signInText(error: nil, next: PageSessionText.nextPage(request.uri.queryParameters["next"].map(String.init), root: Self.root)))
        }
        router.post(RouterPath("\(Self.root)/sign-in")) { request, _ in await signIn(request) }
        router.post(RouterPath("\(Self.root)/sign-out")) { request, _ in
            await respond(request) { viewer in
                let form = try await self.form(request)
                guard PageSessionText.constantTimeEqual(form["csrf"] ?? "", viewer.csrf) else {
                    throw ProblemDetails(code: "csrf", title: "Form refused", status: 403, detail: "The form did not carry this session's token; reload the page and try again.")
                }
                try await store.deleteDashboardSession(idHash: PlantUsers.hash(viewer.sessionID))
                return redirect("\(Self.root)/sign-in", headers: [.setCookie: PageSessionText.clearCookie])
            }
        }
        router.get(RouterPath(Self.root)) { request, _ in
            await respond(request) { viewer in html(try renderer.render(try await plantPage(viewer, request), template: "dashboard")) }
        }
        router.get(RouterPath("\(Self.root)/planner")) { request, _ in
            await respond(request) { viewer in html(try renderer.render(try await plannerPage(viewer, request), template: "operations")) }
        }
        router.get(RouterPath("\(Self.root)/lines/:line/machines/:machine")) { request, context in
            await respond(request) { viewer in
                guard let line = context.parameters.get("line")?.removingPercentEncoding,
                      let machine = context.parameters.get("machine")?.removingPercentEncoding else {
                    throw ProblemDetails(code: "not-found", title: "Not found", status: 404, detail: "no such page")
                }
                return html(try renderer.render(try await machinePage(viewer, request, machine: MachineID(line: line, machine: machine)), template: "dashboard"))
            }
        }
    }

    // MARK: Sessions

    /// A page for a signed-in plant user, else a redirect to the sign-in; a refusal is a page with its status.
    func respond(_ request: Request, _ body: (PlantViewer) async throws -> Response) async -> Response {
        let found: PlantViewer?
        do { found = try await viewer(request) } catch { return problemPage(error, viewer: nil) }
        guard let viewer = found else {
            let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return redirect("\(Self.root)/sign-in?next=\(next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        }
        do { return try await body(viewer) } catch { return problemPage(error, viewer: viewer) }
    }

    /// The plant user of a request's session cookie; nil without one, for an unknown or expired session (then
    /// deleted) or a user no longer in `users.file`.
    func viewer(_ request: Request) async throws -> PlantViewer? {
        guard let id = request.cookies[PageSessionText.cookie]?.value, !id.isEmpty, id.count <= 128 else { return nil }
        let hash = PlantUsers.hash(id)
        guard let session = try await store.dashboardSession(idHash: hash) else { return nil }
        let now = now()
        guard policy.decide(session, now: now) == .valid, let user = try currentUser(named: session.principal) else {
            try await store.deleteDashboardSession(idHash: hash)
            return nil
        }
        try await store.touchDashboardSession(idHash: hash, at: now)
        return PlantViewer(user: user, sessionID: id, csrf: DashboardSessionPolicy.csrfToken(sessionID: id, hash: PlantUsers.hash))
    }

    /// The user of that name in `users.file` as it reads now (a removed line ends the user's sessions).
    func currentUser(named name: String) throws -> PlantUser? {
        guard let path = users.path else { return nil }
        return try PlantUsers.read(String(contentsOfFile: path, encoding: .utf8)).first { $0.user.name == name }?.user
    }

    /// `POST /dashboards/sign-in` (`token`, `next`): a plant user's token starts a session; anything else is
    /// the form again with 401, or 429 while too many sign-ins failed. Each refusal is logged (never the token).
    func signIn(_ request: Request) async -> Response {
        do {
            if let seconds = await throttle.retryAfter() {
                return html(
                    signInText(error: "Too many failed sign-ins. Try again in \(seconds) seconds.", next: nil), status: .tooManyRequests,
                    headers: [.retryAfter: String(seconds)])
            }
            let form = try await self.form(request)
            let next = PageSessionText.nextPage(form["next"], root: Self.root)
            guard let token = form["token"], !token.isEmpty, token.count <= 256, let user = try users.user(token: token) else {
                await throttle.failed()
                logger.notice("dashboard sign-in refused", metadata: ["reason": "unknown token"])
                return html(signInText(error: "That token does not sign in to the dashboards.", next: next), status: .unauthorized)
            }
            let now = now()
            try await store.deleteExpiredDashboardSessions(now: now, idleSince: now.addingTimeInterval(-policy.idle))
            let id = PageSessionText.newID()
            try await store.addDashboardSession(policy.start(principal: user.name, idHash: PlantUsers.hash(id), now: now))
            return redirect(next ?? Self.root, headers: [.setCookie: PageSessionText.setCookie(id, secure: request.uri.scheme?.rawValue == "https")])
        } catch {
            return problemPage(error, viewer: nil)
        }
    }

    // MARK: Answers

    func frame(title: String, viewer: PlantViewer?) -> PageFrame {
        var frame = PageFrame(
            lang: "en", title: title, user: viewer?.user.name, csrf: viewer?.csrf, signOut: "\(Self.root)/sign-out",
            server: "Gantry agent \(store.plantID)")
        frame.pages = [.init(name: "Plant manager", link: Self.root), .init(name: "Planner", link: "\(Self.root)/planner")]
        return frame
    }

    func signInText(error: String?, next: String?) -> String {
        let view = SignInView(
            frame: frame(title: "Sign in", viewer: nil), action: "\(Self.root)/sign-in", error: error, next: next, tokenLabel: "Your plant user token")
        return (try? renderer.render(view, template: "sign-in")) ?? "sign-in page missing"
    }

    func form(_ request: Request) async throws -> [String: String] {
        PageSessionText.formFields(String(buffer: try await request.body.collect(upTo: 16_384)))
    }

    func html(_ text: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        PageResponse.html(text, status: status, headers: extra)
    }

    func redirect(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        PageResponse.redirect(location, headers: extra)
    }

    func problemPage(_ error: any Error, viewer: PlantViewer?) -> Response {
        let problem: ProblemDetails
        if let reporting = error as? any ProblemReporting {
            problem = reporting.problem
        } else {
            logger.error("dashboard page failed", metadata: ["error": "\(error)"])
            problem = ProblemDetails(code: "internal", title: "Something went wrong", status: 500, detail: "The page could not be made; the agent's log says why.")
        }
        let view = ProblemView(
            frame: frame(title: problem.title, viewer: viewer), status: problem.status, heading: problem.title, detail: problem.detail, back: Self.root)
        return html((try? renderer.render(view, template: "problem")) ?? problem.detail, status: HTTPResponse.Status(code: problem.status))
    }
}

/// A signed-in plant user, with the session's id (for sign-out) and CSRF token.
struct PlantViewer: Sendable {
    var user: PlantUser
    var sessionID: String
    var csrf: String
}
