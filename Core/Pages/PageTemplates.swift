/// The Mustache templates of every page, compiled into the binary (`PageRenderer`). `head` and `foot` frame each
/// page; a page template is its content between them. To add a page: a template here (registered in `all`), a
/// view model struct of text fields (see `DashboardView`), and one route that fills it.
///
/// Accessibility: `lang` on `<html>`, a skip link, visible focus, labels on every control, tables with
/// `<th scope>`, text contrast above 7:1 on white, no colour without a word (flagged figures say "off target"),
/// and targets of at least 44 px for fingers on a tablet.
public enum PageTemplates {
    /// Every template by name.
    public static let all: [String: String] = [
        "head": head, "foot": foot, "dashboard": dashboard, "sign-in": signIn, "problem": problem, "operations": operations,
        "place": place,
    ]

    /// A renderer over `all`.
    public static func renderer() throws -> PageRenderer { try PageRenderer(templates: all) }

    static let head = """
        <!DOCTYPE html>
        <html lang="{{frame.lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{frame.title}} · {{frame.server}}</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#fff;font-size:1.05rem;line-height:1.45}
        header,main,footer{padding:0.75rem 1.25rem}
        header{background:#0b3d91;color:#fff;display:flex;flex-wrap:wrap;gap:1rem;align-items:center;justify-content:space-between}
        header a{color:#fff}
        a{color:#0b3d91}
        a:focus,button:focus,input:focus{outline:3px solid #c64600;outline-offset:2px}
        .skip{position:absolute;left:-999px}.skip:focus{left:0.5rem;top:0.5rem;background:#fff;color:#000;padding:0.5rem}
        nav.crumbs ol{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:0.5rem}
        nav.crumbs li+li::before{content:"›";margin-right:0.5rem}
        .windows a{display:inline-block;min-height:44px;line-height:44px;padding:0 0.9rem;border:1px solid #0b3d91;border-radius:4px;margin:0 0.3rem 0.3rem 0;text-decoration:none}
        .windows a[aria-current]{background:#0b3d91;color:#fff}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:0.75rem;padding:0;list-style:none}
        .tile{border:2px solid #555;border-radius:6px;padding:0.75rem}
        .tile.flagged{border-color:#b00020;background:#fff0f0}
        .tile .figure{font-size:2rem;font-weight:700}
        .flag{color:#b00020;font-weight:700}
        table{border-collapse:collapse;margin:0.5rem 0 1rem}
        th,td{border:1px solid #888;padding:0.45rem 0.6rem;text-align:left}
        td.num{text-align:right}
        .chart{max-width:40rem;width:100%;height:auto}
        button,input{font-size:1rem;min-height:44px}
        .notice{background:#fff7d6;border:1px solid #8a6d00;padding:0.5rem}
        </style>
        </head>
        <body>
        <a class="skip" href="#content">Skip to content</a>
        <header>
        <span>{{frame.server}}</span>
        {{#frame.user}}<nav aria-label="Pages">{{#frame.pages}}<a href="{{link}}">{{name}}</a> {{/frame.pages}}</nav>{{/frame.user}}
        {{#frame.user}}<form method="post" action="{{frame.signOut}}"><input type="hidden" name="csrf" value="{{frame.csrf}}"><span>Signed in as {{frame.user}}</span> <button type="submit">Sign out</button></form>{{/frame.user}}
        </header>
        <main id="content">

        """

    static let foot = """
        </main>
        <footer><small>Figures from Gantry's KPI engine (ISO 22400-2); times in the plant's zone.</small></footer>
        </body>
        </html>

        """

    static let dashboard = """
        {{> head}}
        {{> place}}
        {{#panel}}
        <h2>Figures</h2>
        <ul class="tiles">{{#tiles}}
        <li class="tile{{#flagged}} flagged{{/flagged}}" data-kpi="{{formula}}"><div>{{name}}</div>
        {{#figure}}<div class="figure" data-figure="{{formula}}">{{figure}}</div>{{/figure}}{{^figure}}<div class="figure" data-figure="{{formula}}">n/a</div><div class="novalue">{{noValue}}</div>{{/figure}}
        {{#target}}<div>Target {{target}}, {{direction}}</div>{{/target}}
        <div>{{#flagged}}<span class="flag">⚠ </span>{{/flagged}}{{status}}{{#version}} · {{version}}{{/version}}</div></li>{{/tiles}}
        </ul>
        <h2>OEE waterfall</h2>
        {{#waterfall}}{{{waterfall}}}{{/waterfall}}{{#waterfallMissing}}<p>{{waterfallMissing}}</p>{{/waterfallMissing}}
        <h2>Downtime by reason</h2>
        {{#pareto}}{{{pareto}}}{{/pareto}}
        {{#hasReasons}}<table id="reasons"><caption>Downtime by reason, longest first</caption>
        <thead><tr><th scope="col">Reason</th><th scope="col">Down</th><th scope="col">Stops begun</th><th scope="col">Failure</th></tr></thead>
        <tbody>{{#reasons}}<tr><th scope="row">{{reason}}</th><td class="num">{{hours}}</td><td class="num">{{stops}}</td><td>{{#failure}}yes{{/failure}}{{^failure}}no{{/failure}}</td></tr>{{/reasons}}</tbody></table>{{/hasReasons}}
        {{^hasReasons}}<p>No downtime in this window.</p>{{/hasReasons}}
        {{/panel}}
        {{#trend}}<h2>{{title}}</h2>{{{svg}}}{{/trend}}
        {{#children}}
        <h2>{{heading}}s</h2>
        <table id="children"><caption>{{heading}}s in this window</caption>
        <thead><tr><th scope="col">{{heading}}</th><th scope="col">OEE</th><th scope="col">Availability</th><th scope="col">Effectiveness</th><th scope="col">Quality ratio</th></tr></thead>
        <tbody>{{#rows}}<tr{{#flagged}} class="flagged"{{/flagged}}><th scope="row"><a href="{{link}}">{{name}}</a></th>{{#cells}}<td class="num">{{text}}{{#note}}<br><small>{{note}}</small>{{/note}}{{#flagged}} <span class="flag">off target</span>{{/flagged}}</td>{{/cells}}</tr>{{/rows}}</tbody>
        </table>
        {{/children}}
        {{#intervals}}<h2>Downtime intervals</h2>
        {{#empty}}<p>No down stretches in this window.</p>{{/empty}}
        {{^empty}}<table id="intervals"><caption>Down stretches in this window, oldest first{{#truncated}} (the first {{count}} only){{/truncated}}</caption>
        <thead><tr><th scope="col">Machine</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Duration</th><th scope="col">Reason</th><th scope="col">Failure</th></tr></thead>
        <tbody>{{#rows}}<tr><td>{{machine}}</td><td>{{start}}</td><td>{{end}}</td><td class="num">{{duration}}</td><td>{{reason}}</td><td>{{#failure}}yes{{/failure}}{{^failure}}no{{/failure}}</td></tr>{{/rows}}</tbody></table>{{/empty}}
        {{/intervals}}
        {{#panel}}<h2>Figures behind the numbers</h2>
        <table id="elements"><caption>Time and quantity elements of this window</caption><tbody>
        {{#figures}}<tr><th scope="row">{{name}}</th><td class="num">{{value}}</td></tr>{{/figures}}
        </tbody></table>{{/panel}}
        {{> foot}}
        """

    static let operations = """
        {{> head}}
        {{> place}}
        {{#sections}}
        <section aria-labelledby="{{id}}-title"><h2 id="{{id}}-title">{{title}}</h2><p>{{question}}</p>
        <table id="{{id}}"><caption>{{title}}: figures per {{rowHeading}} in this window</caption>
        <thead><tr><th scope="col">{{rowHeading}}</th>{{#columns}}<th scope="col">{{.}}</th>{{/columns}}</tr></thead>
        <tbody>{{#rows}}<tr><th scope="row">{{#link}}<a href="{{link}}">{{name}}</a>{{/link}}{{^link}}{{name}}{{/link}}</th>{{#cells}}<td class="num">{{text}}{{#note}}<br><small>{{note}}</small>{{/note}}{{#flagged}} <span class="flag">off target</span>{{/flagged}}</td>{{/cells}}</tr>{{/rows}}</tbody>
        </table>
        {{#footnote}}<p><small>{{footnote}}</small></p>{{/footnote}}
        </section>
        {{/sections}}
        {{> foot}}
        """

    /// Where a page stands: the drill-down path, the title, the windows to choose from, the window and a notice.
    static let place = """
        <nav class="crumbs" aria-label="Drill-down"><ol>{{#crumbs}}<li>{{#link}}<a href="{{link}}">{{name}}</a>{{/link}}{{^link}}<span aria-current="page">{{name}}</span>{{/link}}</li>{{/crumbs}}</ol></nav>
        <h1>{{frame.title}}</h1>
        <nav class="windows" aria-label="Window">{{#windows}}<a href="{{link}}"{{#selected}} aria-current="true"{{/selected}}>{{name}}</a>{{/windows}}</nav>
        <p id="window">Window <strong>{{windowLabel}}</strong>: {{windowRange}}</p>
        {{#notice}}<p class="notice" role="status">{{notice}}</p>{{/notice}}
        """

    static let signIn = """
        {{> head}}
        <h1>Sign in</h1>
        {{#error}}<p class="notice" role="alert" id="sign-in-error">{{error}}</p>{{/error}}
        <form method="post" action="{{action}}">
        {{#next}}<input type="hidden" name="next" value="{{next}}">{{/next}}
        <p><label for="token">{{tokenLabel}}</label><br>
        <input id="token" name="token" type="password" autocomplete="current-password" required size="48"></p>
        <p><button type="submit">Sign in</button></p>
        </form>
        {{> foot}}
        """

    static let problem = """
        {{> head}}
        <h1>{{heading}}</h1>
        <p id="problem" data-status="{{status}}">{{detail}}</p>
        <p><a href="{{back}}">Back</a></p>
        {{> foot}}
        """
}
