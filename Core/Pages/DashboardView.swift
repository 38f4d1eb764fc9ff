import Foundation
import GantryCore

/// The values of one dashboard page (template `dashboard`): where it is in the drill-down, the window chosen,
/// the node's panel, its children (the links down), a trend, and for a machine its downtime intervals. The hub
/// and the agent fill it the same way; only where the figures come from differs.
public struct DashboardView: Sendable {
    /// The page frame: language, title, who is signed in, the CSRF token of the sign-out form.
    public var frame: PageFrame
    /// `Group › ACME › ACME-01 › L1`, each a link but the last.
    public var crumbs: [Crumb]
    /// The windows to choose from (shift, day, week, month, fiscal period), the chosen one marked.
    public var windows: [WindowChoice]
    /// The chosen window as the plant names it, with its local start and end.
    public var windowLabel: String
    public var windowRange: String
    public var panel: KPIPanel
    /// The level below (companies, plants, lines, machines), with a link each; nil for a machine.
    public var children: ChildTable?
    /// The trend over the window's parts (hours of a shift or day, days of a week or month), with its heading.
    public var trend: PageChart?
    /// A machine's down stretches with their reasons; nil above the machine level.
    public var intervals: IntervalTable?
    /// Said above the figures when something limits them (a truncated list, a window not yet begun).
    public var notice: String?

    public init(
        frame: PageFrame, crumbs: [Crumb], windows: [WindowChoice], window: KPIWindow, panel: KPIPanel, children: ChildTable?,
        trend: PageChart?, intervals: IntervalTable?, notice: String?, format: PageFormat
    ) {
        self.frame = frame
        self.crumbs = crumbs
        self.windows = windows
        windowLabel = window.label
        windowRange = "\(format.time(window.start)) – \(format.time(window.end)) (\(format.timeZone.identifier))"
        self.panel = panel
        self.children = children
        self.trend = trend
        self.intervals = intervals
        self.notice = notice
    }

    /// One step of the drill-down path.
    public struct Crumb: Sendable {
        public var name: String
        /// nil for the page itself.
        public var link: String?
        public init(name: String, link: String?) {
            self.name = name
            self.link = link
        }
    }

    /// One selectable window.
    public struct WindowChoice: Sendable {
        public var name: String
        public var link: String
        public var selected: Bool
        public init(name: String, link: String, selected: Bool) {
            self.name = name
            self.link = link
            self.selected = selected
        }
    }

    /// The table of the level below.
    public struct ChildTable: Sendable {
        /// `Plant`, `Machine`: the first column's heading.
        public var heading: String
        public var rows: [ChildRow]
        public init(heading: String, rows: [ChildRow]) {
            self.heading = heading
            self.rows = rows
        }
    }

    /// One child: its name, its link and its four figures (or why there is none).
    public struct ChildRow: Sendable {
        public var name: String
        public var link: String
        public var cells: [Cell]
        public var flagged: Bool

        /// A child's figures: the same tiles as its own page, so the figures agree.
        public init(name: String, link: String, panel: KPIPanel) {
            self.name = name
            self.link = link
            cells = panel.tiles.map { Cell(text: $0.figure ?? "n/a", note: $0.figure == nil ? $0.noValue : nil, flagged: $0.flagged) }
            flagged = panel.tiles.contains { $0.flagged }
        }
    }

    /// One figure in a child row.
    public struct Cell: Sendable {
        public var text: String
        public var note: String?
        public var flagged: Bool

        public init(text: String, note: String?, flagged: Bool) {
            self.text = text
            self.note = note
            self.flagged = flagged
        }
    }

    /// A machine's down stretches.
    public struct IntervalTable: Sendable {
        public var rows: [IntervalRow]
        public var empty: Bool
        /// More stretches than listed exist.
        public var truncated: Bool
        public var count: Int
        public init(_ intervals: [DowntimeInterval], truncated: Bool, format: PageFormat) {
            rows = intervals.map { IntervalRow($0, format: format) }
            empty = intervals.isEmpty
            self.truncated = truncated
            count = intervals.count
        }
    }

    /// One down stretch.
    public struct IntervalRow: Sendable {
        /// `L1/press`.
        public var machine: String
        public var start: String
        public var end: String
        public var duration: String
        public var reason: String
        public var failure: Bool

        public init(_ interval: DowntimeInterval, format: PageFormat) {
            machine = "\(interval.line)/\(interval.machine)"
            start = format.time(interval.start)
            end = interval.end.map(format.time) ?? "still down"
            duration = format.duration(interval.seconds)
            reason = interval.reason ?? "(no reason given)"
            failure = interval.failure
        }
    }
}

/// What every page has around its content: the language, the title, who is signed in, and the CSRF token each
/// form carries.
public struct PageFrame: Sendable {
    public var lang: String
    public var title: String
    /// The principal or plant user signed in; nil on the sign-in page.
    public var user: String?
    /// The session's CSRF token, put in every form.
    public var csrf: String?
    /// Where the sign-out form posts.
    public var signOut: String
    /// Who serves the page: `Gantry hub`, `Gantry agent ACME-01`.
    public var server: String

    /// The server's pages a signed-in viewer can go to from any page (`Overview`, `Operations`).
    public var pages: [DashboardView.Crumb] = []

    public init(lang: String, title: String, user: String?, csrf: String?, signOut: String, server: String) {
        self.lang = lang
        self.title = title
        self.user = user
        self.csrf = csrf
        self.signOut = signOut
        self.server = server
    }
}

/// The sign-in page (template `sign-in`): the form and, after a failed try, why.
public struct SignInView: Sendable {
    public var frame: PageFrame
    public var action: String
    public var error: String?
    /// Where to go after signing in (a page path of this server, never another site).
    public var next: String?
    /// What kind of token the form asks for.
    public var tokenLabel: String

    public init(frame: PageFrame, action: String, error: String?, next: String?, tokenLabel: String) {
        self.frame = frame
        self.action = action
        self.error = error
        self.next = next
        self.tokenLabel = tokenLabel
    }
}

/// A refusal as a page (template `problem`): 403 for another company's plant, 404 for a page that does not
/// exist, 403 for a form without its CSRF token.
public struct ProblemView: Sendable {
    public var frame: PageFrame
    public var status: Int
    public var heading: String
    public var detail: String
    public var back: String

    public init(frame: PageFrame, status: Int, heading: String, detail: String, back: String) {
        self.frame = frame
        self.status = status
        self.heading = heading
        self.detail = detail
        self.back = back
    }
}

/// A chart with the heading a page shows above it.
public struct PageChart: Sendable {
    public var title: String
    /// SVG markup from `SVGChart`.
    public var svg: String

    public init(title: String, svg: String) {
        self.title = title
        self.svg = svg
    }
}
