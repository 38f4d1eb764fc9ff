import Mustache

/// Turns a page's values into HTML with the Mustache templates compiled into the binary.
///
/// Templates are Swift string constants, so a page never depends on a file beside the executable: the same
/// templates serve the hub and every agent, and a static release binary carries them. Values are HTML-escaped
/// by Mustache (`{{value}}`); only markup this target made itself (SVG charts) goes out unescaped (`{{{chart}}}`).
public struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// A renderer over named templates (`name` → Mustache text). Partials are referenced by name (`{{> name}}`).
    public init(templates: [String: String]) throws {
        var library = MustacheLibrary()
        for (name, text) in templates.sorted(by: { $0.key < $1.key }) {
            try library.register(text, named: name)
        }
        self.library = library
    }

    /// The HTML of template `name` over `values`; a name not registered is a programming error reported as such.
    public func render(_ values: Any, template name: String) throws -> String {
        guard let html = library.render(PageValueNode.wrap(values) as Any, withTemplate: name) else {
            throw PageTemplateMissing(name: name)
        }
        return html
    }

    /// The same HTML with Mustache reflecting `values` on every lookup: what `render` must equal (its tests).
    func renderReflectingEveryLookup(_ values: Any, template name: String) -> String? {
        library.render(values, withTemplate: name)
    }
}

/// A page asked for a template that was never registered.
public struct PageTemplateMissing: Error, CustomStringConvertible, Sendable {
    /// The template's name.
    public let name: String
    public var description: String { "no page template is named \(name)" }
}
