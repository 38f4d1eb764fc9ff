import Mustache

/// A page's value as Mustache reads it, with each struct or class reflected once.
///
/// Mustache looks a name up by reflecting the value in hand (`Mirror`) and filtering its fields, for every name a
/// template uses and for every value on the context stack it climbs, so a page of tables reflected its rows' types
/// thousands of times over (a third of a dashboard page's time). A node reflects its value once, on the first
/// lookup, and keeps its fields by name, each field a node in turn; arrays become arrays of nodes. What Mustache
/// renders is unchanged: a node prints as its value does (`String(describing:)`), a nil field is absent (so the
/// lookup climbs the stack as before), and enums, strings, numbers and Booleans are passed through as they are.
final class PageValueNode: MustacheParent, MustacheCustomRenderable {
    private let value: Any
    private var fields: [String: Any]?

    private init(_ value: Any) {
        self.value = value
    }

    /// `value` ready for Mustache: a node for a struct or class, an array of those for an array, the value itself
    /// otherwise; nil for nil.
    static func wrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { wrap($0.value) }
        case .struct, .class:
            return PageValueNode(value)
        case .collection where value is [Any]:
            return mirror.children.map { wrap($0.value) as Any }
        default:
            return value
        }
    }

    func child(named name: String) -> Any? {
        if fields == nil {
            var fields: [String: Any] = [:]
            for case let (label?, field) in Mirror(reflecting: value).children {
                if let wrapped = Self.wrap(field) { fields[label] = wrapped }
            }
            self.fields = fields
        }
        return fields?[name]
    }

    var renderText: String { String(describing: value) }

    var isNull: Bool { false }
}
