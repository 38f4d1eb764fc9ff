import Foundation

/// Request bodies read strictly: every member of the body must be one the type reads, so a misspelt field
/// (`clientScanId` for `id`, `activ` for `active`) is refused instead of silently ignored, and every refusal
/// names the field at fault in plain words (`missing field role`, `field expectedVersion must be a whole number`).
///
/// The value itself is decoded by `WireFormat.decoder()`, exactly as before; a second pass walks the same
/// JSON with a decoder that notes which keys the type asks for, and any member never asked for is unknown.
/// A type that reads a dictionary (`allKeys`) accepts every key of that object.
public enum StrictJSON {
    /// Why a body was refused.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The body is not JSON at all (400), rather than JSON of the wrong shape (422).
        public var malformed: Bool
        /// The JSON path of the field at fault (`records[2].expectedVersion`); nil for the body as a whole.
        public var field: String?
        /// What is wrong, in plain words.
        public var detail: String

        public init(malformed: Bool = false, field: String?, detail: String) {
            self.malformed = malformed
            self.field = field
            self.detail = detail
        }

        public var description: String { detail }
    }

    /// Decodes `data` as `T`, refusing members `T` does not read.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(Refusal) -> T {
        let json: JSONValue
        do { json = try SyncBatchReader.value(data) } catch {
            throw Refusal(malformed: true, field: nil, detail: "the body is not valid JSON (\(error.detail))")
        }
        return try decode(type, from: json, data: data)
    }

    /// Decodes a JSON value already read as `T`, refusing members `T` does not read.
    public static func decode<T: Decodable>(_ type: T.Type, from json: JSONValue) throws(Refusal) -> T {
        try decode(type, from: json, data: Data(json.canonicalText.utf8))
    }

    private static func decode<T: Decodable>(_ type: T.Type, from json: JSONValue, data: Data) throws(Refusal) -> T {
        let value: T
        do {
            value = try WireFormat.decoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            if case .keyNotFound(let key, let context) = error, let misspelt = misspelling(of: key, at: context.codingPath, in: json, as: T.self) {
                throw misspelt
            }
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty {
                // The JSON was read already, so this is JSONDecoder's answer for a number of the wrong kind (1.5 for a
                // whole number), which does not say where: the trace decoder finds the place.
                do {
                    _ = try T(from: TracingDecoder(value: json, codingPath: [], trace: KeyTrace()))
                } catch let traced as DecodingError {
                    throw refusal(traced)
                } catch {}
                throw Refusal(field: nil, detail: "the body is not of the expected shape")
            }
            throw refusal(error)
        } catch {
            throw Refusal(field: nil, detail: "\(error)")
        }
        if let unknown = unknownFields(json, as: T.self).first {
            throw Refusal(field: unknown.path, detail: "unknown field \(unknown.name)\(unknown.known.isEmpty ? "" : " (fields: \(unknown.known.joined(separator: ", ")))")")
        }
        return value
    }

    /// A member no reader asked for.
    public struct UnknownField: Sendable, Equatable {
        public var path: String
        public var name: String
        /// The members that were read at the same place, sorted: the caller probably meant one of them.
        public var known: [String]
    }

    /// The members of `json` that decoding `T` never asks for, in document order of paths.
    public static func unknownFields<T: Decodable>(_ json: JSONValue, as type: T.Type) -> [UnknownField] {
        let trace = KeyTrace()
        // The trace decoder mirrors JSONDecoder closely but not exactly; if it cannot follow, nothing is flagged.
        guard (try? T(from: TracingDecoder(value: json, codingPath: [], trace: trace))) != nil else { return [] }
        var unknown: [UnknownField] = []
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let members):
                guard let asked = trace.asked[path] else { return }
                for name in members.keys.sorted() {
                    let child = path.isEmpty ? name : "\(path).\(name)"
                    if asked.all || asked.keys.contains(name) {
                        walk(members[name]!, child)
                    } else {
                        unknown.append(UnknownField(path: child, name: name, known: asked.keys.sorted()))
                    }
                }
            case .array(let values):
                for (index, element) in values.enumerated() { walk(element, "\(path)[\(index)]") }
            default:
                break
            }
        }
        walk(json, "")
        return unknown
    }

    /// For a missing field: a member next to it that nobody reads and whose name is close (`company` for
    /// `companies`) is the caller's misspelling, and the more useful thing to name.
    static func misspelling<T: Decodable>(of key: any CodingKey, at codingPath: [any CodingKey], in json: JSONValue, as type: T.Type) -> Refusal? {
        var value = json
        for step in codingPath {
            switch value {
            case .object(let members): guard let next = members[step.stringValue] else { return nil }; value = next
            case .array(let values): guard let index = step.intValue, values.indices.contains(index) else { return nil }; value = values[index]
            default: return nil
            }
        }
        guard case .object(let members) = value else { return nil }
        let trace = KeyTrace()
        _ = try? T(from: TracingDecoder(value: json, codingPath: [], trace: trace))
        let asked = trace.asked[path(codingPath)]?.keys ?? []
        let wanted = key.stringValue
        guard let name = members.keys.sorted().first(where: { !asked.contains($0) && similar($0, wanted) }) else { return nil }
        let field = path(codingPath) + (codingPath.isEmpty ? "" : ".") + name
        return Refusal(field: field, detail: "unknown field \(name) (did you mean \(wanted)?)")
    }

    /// Whether two field names are a likely misspelling of each other: same letters in another case, or a few edits apart.
    static func similar(_ a: String, _ b: String) -> Bool {
        if a.lowercased() == b.lowercased() { return true }
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        var previous = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in stride(from: 1, through: y.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count] <= max(2, max(x.count, y.count) / 3)
    }

    /// A decoding error in plain words, with the JSON path of the field at fault.
    public static func refusal(_ error: DecodingError) -> Refusal {
        switch error {
        case .keyNotFound(let key, let context):
            return Refusal(field: path(context.codingPath + [key]), detail: "missing field \(path(context.codingPath + [key]))")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return Refusal(field: field.isEmpty ? nil : field,
                           detail: field.isEmpty ? "the body must be \(describe(type))" : "field \(field) must be \(describe(type))")
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return Refusal(field: field.isEmpty ? nil : field,
                           detail: field.isEmpty ? "the body must not be null" : "field \(field) must be \(describe(type)), not null")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            guard !field.isEmpty else { return Refusal(malformed: true, field: nil, detail: "the body is not valid JSON") }
            return Refusal(field: field, detail: "field \(field): \(plain(context.debugDescription))")
        @unknown default:
            return Refusal(field: nil, detail: "the body is not of the expected shape")
        }
    }

    /// `records[2].expectedVersion`.
    public static func path(_ codingPath: [any CodingKey]) -> String {
        var text = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == "\(index)" {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type: return "text"
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is Int8.Type,
             is UInt.Type, is UInt64.Type, is UInt32.Type, is UInt16.Type, is UInt8.Type: return "a whole number"
        case is Double.Type, is Float.Type, is Decimal.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is Date.Type: return "an RFC 3339 timestamp"
        default:
            let name = "\(type)"
            if name.hasPrefix("Array") || name.hasPrefix("[") { return "a list" }
            if name.hasPrefix("Dictionary") { return "an object" }
            return "an object"
        }
    }

    /// JSONDecoder's own messages name Swift types; these say what was expected instead.
    private static func plain(_ description: String) -> String {
        if description.hasPrefix("Cannot initialize"), let range = description.range(of: "value ") {
            return "\"\(description[range.upperBound...])\" is not one of the allowed values"
        }
        if description.contains("UUID") { return "expected a UUID such as 3F2504E0-4F89-11D3-9A0C-0305E82C3301" }
        if description.contains("Number") && description.contains("does not fit") { return "the number is out of range" }
        return description
    }
}
