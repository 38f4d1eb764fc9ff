import Foundation

/// GS1 Digital Link URIs: `https://host[/prefix]/{key AI}/{key}[/{qualifier AI}/{value}…][?{AI}={value}&…]`.
struct GS1DigitalLink {
    let parser: GS1Parser

    func parse(_ input: ScanInput) throws(GS1Error) -> [GS1Element] {
        let uri = String(decoding: input.body, as: UTF8.self)
        guard let components = URLComponents(string: uri), let host = components.host, !host.isEmpty else {
            throw GS1Error("not a valid URI", position: input.position(of: input.start))
        }
        let segments = components.percentEncodedPath.split(separator: "/").map(String.init)
        guard let (keyIndex, path) = primaryKey(in: segments) else {
            throw GS1Error("no GS1 primary key (such as /01/{gtin}) in the path of the Digital Link")
        }
        var elements: [GS1Element] = []
        for (ai, encoded) in path {
            guard let value = encoded.removingPercentEncoding else { throw GS1Error("bad percent-encoding", ai: ai) }
            elements.append(GS1Element(ai: ai, value: ai == "01" && value.count < 14 && value.allSatisfy(\.isNumber)
                ? String(repeating: "0", count: 14 - value.count) + value : value))
        }
        _ = keyIndex
        for item in components.percentEncodedQueryItems ?? [] where item.name.allSatisfy(\.isNumber) && item.name.count >= 2 {
            guard GS1Syntax.definitions[item.name] != nil else { continue }
            let value = item.value?.removingPercentEncoding ?? ""
            elements.append(GS1Element(ai: item.name, value: value))
        }
        for element in elements {
            try parser.validateStandalone(ai: element.ai, value: element.value)
        }
        return elements
    }

    /// The first primary-key AI from which the rest of the path reads as allowed qualifiers, in order.
    private func primaryKey(in segments: [String]) -> (Int, [(String, String)])? {
        for index in segments.indices where (segments.count - index) % 2 == 0 {
            guard let definition = GS1Syntax.definitions[segments[index]], definition.digitalLinkKey else { continue }
            var pairs = [(segments[index], segments[index + 1])]
            var cursor = index + 2
            var remainingOrder = definition.digitalLinkQualifiers
            var valid = true
            while cursor < segments.count {
                let qualifier = segments[cursor]
                // Qualifiers follow one of the key's sequences, in its order, each at most once.
                remainingOrder = remainingOrder.compactMap { sequence in
                    guard let position = sequence.firstIndex(of: qualifier) else { return nil }
                    return Array(sequence[(position + 1)...])
                }
                if remainingOrder.isEmpty { valid = false; break }
                pairs.append((qualifier, segments[cursor + 1]))
                cursor += 2
            }
            if valid { return (index, pairs) }
        }
        return nil
    }
}

extension GS1Parser {
    /// Validates an element that did not come from an element string (Digital Link), with positions unknown.
    func validateStandalone(ai: String, value: String) throws(GS1Error) {
        do {
            try validate(ai: ai, value: Array(value.utf8), input: ScanInput(value, separators: []), valueStart: 0)
        } catch {
            throw GS1Error(error.reason, ai: ai)
        }
    }
}
