import Foundation

/// Reads what barcode scanners really send: element strings with or without a symbology identifier and
/// with GS or a configured substitute as separator, plain EAN/UPC/ITF-14 numbers, the bracketed
/// human-readable form, and GS1 Digital Link URIs. Validates against the AI syntax and refuses data whose
/// meaning would have to be guessed.
public struct GS1Parser: Sendable {
    /// The year two-digit years are resolved against (GS1 century rule).
    public var referenceYear: Int
    /// Texts the scanners are set to send instead of GS (0x1D), e.g. `Alt029` or `|`.
    public var separators: [String]

    public init(referenceYear: Int, separators: [String] = []) {
        self.referenceYear = referenceYear
        self.separators = separators.filter { !$0.isEmpty }
    }

    static let groupSeparator: UInt8 = 0x1D
    /// Symbology identifiers of carriers that hold GS1 element strings.
    static let elementStringSymbologies: Set<String> = ["]C1", "]e0", "]d2", "]Q3", "]J1"]

    /// Decodes one scan.
    public func parse(_ raw: String) throws(GS1Error) -> GS1Message {
        var input = ScanInput(raw, separators: separators)
        guard !input.data.isEmpty else { throw GS1Error("the scan is empty") }
        var symbology: String?
        if input.data.first == UInt8(ascii: "]") {
            guard input.data.count >= 3 else { throw GS1Error("incomplete symbology identifier", position: 1) }
            symbology = String(decoding: input.data.prefix(3), as: UTF8.self)
            input.start = 3
        }
        let elements: [GS1Element]
        switch symbology {
        case nil:
            elements = try parseUnidentified(&input)
        case let id? where Self.elementStringSymbologies.contains(id):
            elements = try parseElementString(&input)
        case "]E0", "]E4", "]I1":
            elements = [try plainGTIN(input, lengths: symbology == "]E4" ? [8] : symbology == "]I1" ? [14] : [12, 13])]
        case "]C0", "]d1", "]Q1", "]Q0":
            guard input.isDigitalLink else {
                throw GS1Error("\(symbology!) marks a barcode that is not GS1 data", position: 1)
            }
            elements = try GS1DigitalLink(parser: self).parse(input)
        default:
            throw GS1Error("unknown symbology identifier \(symbology!)", position: 1)
        }
        try checkPairings(elements)
        return GS1Message(symbology: symbology, elements: elements, referenceYear: referenceYear)
    }

    private func parseUnidentified(_ input: inout ScanInput) throws(GS1Error) -> [GS1Element] {
        let body = input.body
        if input.isDigitalLink { return try GS1DigitalLink(parser: self).parse(input) }
        if body.first == UInt8(ascii: "(") { return try parseBracketed(input) }
        if body.allSatisfy(\.isDigit), [8, 12, 13].contains(body.count) { return [try plainGTIN(input, lengths: [body.count])] }
        if body.allSatisfy(\.isDigit), body.count == 14 {
            // An ITF-14 number or a short element string: accept whichever reading is valid, refuse if both are.
            let asGTIN = try? plainGTIN(input, lengths: [14])
            var copy = input
            let asElements = try? parseElementString(&copy)
            if let asElements, (try? checkPairings(asElements)) != nil {
                if asGTIN != nil { throw GS1Error("14 digits that read both as a GTIN-14 and as element strings; scan with a symbology identifier") }
                return asElements
            }
            if let asGTIN { return [asGTIN] }
        }
        return try parseElementString(&input)
    }

    /// A GTIN printed without AIs (EAN-8, UPC-A, EAN-13, ITF-14), as GTIN-14.
    private func plainGTIN(_ input: ScanInput, lengths: [Int]) throws(GS1Error) -> GS1Element {
        let body = input.body
        guard lengths.contains(body.count), body.allSatisfy(\.isDigit) else {
            throw GS1Error("expected a GTIN of \(lengths.map(String.init).joined(separator: " or ")) digits", position: input.position(of: input.start))
        }
        if let error = GS1Linters.checkDigit(Array(body)) { throw GS1Error(error, ai: "01", position: input.position(of: input.data.count - 1)) }
        return GS1Element(ai: "01", value: String(repeating: "0", count: 14 - body.count) + String(decoding: body, as: UTF8.self))
    }

    // MARK: Element strings

    func parseElementString(_ input: inout ScanInput) throws(GS1Error) -> [GS1Element] {
        var elements: [GS1Element] = []
        var index = input.start
        let data = input.data
        while index < data.count {
            if data[index] == Self.groupSeparator { index += 1; continue }
            let position = input.position(of: index)
            guard index + 1 < data.count, data[index].isDigit, data[index + 1].isDigit else {
                throw GS1Error("expected an AI (digits), found \"\(Self.printable(data[index]))\"", position: position)
            }
            let firstTwo = String(decoding: data[index...index + 1], as: UTF8.self)
            let ai: String
            let valueRange: Range<Int>
            if let predefined = GS1Syntax.predefinedPrefixes[firstTwo] {
                let aiEnd = index + predefined.aiLength
                guard aiEnd <= data.count, data[index..<aiEnd].allSatisfy(\.isDigit) else {
                    throw GS1Error("incomplete AI", position: position)
                }
                ai = String(decoding: data[index..<aiEnd], as: UTF8.self)
                let end = aiEnd + predefined.dataLength
                let available = data[aiEnd...].prefix { $0 != Self.groupSeparator }.count
                guard available >= predefined.dataLength else {
                    throw GS1Error("expected \(predefined.dataLength) characters, found \(available)", ai: ai, position: position)
                }
                valueRange = aiEnd..<end
            } else {
                guard let definition = GS1Syntax.definition(startingWith: data[index...]) else {
                    let digits = String(decoding: data[index...].prefix(4).prefix(while: \.isDigit), as: UTF8.self)
                    throw GS1Error("\(digits) does not begin a GS1 Application Identifier", position: position)
                }
                ai = definition.ai
                let start = index + ai.count
                let end = data[start...].firstIndex(of: Self.groupSeparator) ?? data.count
                if end - start > definition.lengths.upperBound {
                    throw GS1Error(
                        "\(end - start) characters where at most \(definition.lengths.upperBound) are allowed; "
                            + "a separator (GS) is missing, so where this field ends cannot be known", ai: ai, position: position)
                }
                valueRange = start..<end
            }
            try validate(ai: ai, value: Array(data[valueRange]), input: input, valueStart: valueRange.lowerBound)
            elements.append(GS1Element(ai: ai, value: String(decoding: data[valueRange], as: UTF8.self)))
            index = valueRange.upperBound
        }
        guard !elements.isEmpty else { throw GS1Error("no GS1 data after the symbology identifier") }
        return elements
    }

    // MARK: Bracketed form

    private func parseBracketed(_ input: ScanInput) throws(GS1Error) -> [GS1Element] {
        let data = input.data
        var elements: [GS1Element] = []
        var index = input.start
        while index < data.count {
            let position = input.position(of: index)
            guard data[index] == UInt8(ascii: "("),
                  let close = data[index...].firstIndex(of: UInt8(ascii: ")")), (2...4).contains(close - index - 1),
                  data[(index + 1)..<close].allSatisfy(\.isDigit)
            else { throw GS1Error("expected (AI) with 2 to 4 digits", position: position) }
            let ai = String(decoding: data[(index + 1)..<close], as: UTF8.self)
            var value: [UInt8] = []
            var cursor = close + 1
            while cursor < data.count, !(data[cursor] == UInt8(ascii: "(") && (cursor == 0 || data[cursor - 1] != UInt8(ascii: "\\"))) {
                if data[cursor] == UInt8(ascii: "\\"), cursor + 1 < data.count, data[cursor + 1] == UInt8(ascii: "(") {
                    cursor += 1
                }
                value.append(data[cursor])
                cursor += 1
            }
            try validate(ai: ai, value: value, input: input, valueStart: close + 1)
            elements.append(GS1Element(ai: ai, value: String(decoding: value, as: UTF8.self)))
            index = cursor
        }
        guard !elements.isEmpty else { throw GS1Error("no GS1 data") }
        return elements
    }

    // MARK: Validation

    /// Checks one element against its AI's syntax; positions in errors point into the scanned data.
    func validate(ai: String, value: [UInt8], input: ScanInput, valueStart: Int) throws(GS1Error) {
        let at = { (offset: Int) in input.position(of: valueStart + offset) }
        guard let definition = GS1Syntax.definitions[ai] else {
            let predefined = GS1Syntax.predefinedPrefixes[String(ai.prefix(2))]
            guard let predefined, ai.count == predefined.aiLength else {
                throw GS1Error("\(ai) is not a GS1 Application Identifier", ai: ai, position: at(-ai.count))
            }
            // An AI not assigned yet in a predefined-length family: length and digits are all that is known.
            guard value.count == predefined.dataLength, let bad = value.firstIndex(where: { !$0.isDigit }) ?? Optional(-1), bad < 0 else {
                throw GS1Error("expected \(predefined.dataLength) digits", ai: ai, position: at(0))
            }
            return
        }
        guard definition.lengths.contains(value.count) else {
            let expected = definition.lengths.count == 1 ? "\(definition.lengths.lowerBound)"
                : "\(definition.lengths.lowerBound) to \(definition.lengths.upperBound)"
            throw GS1Error("\(value.count) characters where \(expected) are expected", ai: ai, position: at(0))
        }
        var offset = 0
        for component in definition.components {
            let remaining = value.count - offset
            if remaining == 0, component.optional { break }
            let length = component.isFixed ? component.lengths.lowerBound : min(remaining, component.lengths.upperBound)
            guard remaining >= length, length > 0 else {
                throw GS1Error("the field ends early", ai: ai, position: at(offset))
            }
            let part = Array(value[offset..<(offset + length)])
            if let bad = part.firstIndex(where: { !component.characters.allows($0) }) {
                throw GS1Error(
                    "\"\(Self.printable(part[bad]))\" is not allowed here (expected \(component.characters.name))",
                    ai: ai, position: at(offset + bad))
            }
            for linter in component.linters {
                if let problem = GS1Linters.check(linter, part, referenceYear: referenceYear) {
                    // A wrong check digit is reported where it stands; other checks where their part starts.
                    throw GS1Error(problem, ai: ai, position: at(linter == "csum" ? offset + length - 1 : offset))
                }
            }
            offset += length
        }
        guard offset == value.count else {
            throw GS1Error("\(value.count - offset) characters too many", ai: ai, position: at(offset))
        }
    }

    /// GS1 pairing rules: an AI may require others (10 needs a GTIN) and exclude some (01 with 02).
    func checkPairings(_ elements: [GS1Element]) throws(GS1Error) {
        var seen: [String: String] = [:]
        for element in elements {
            if let earlier = seen[element.ai], earlier != element.value {
                throw GS1Error("appears twice with different values", ai: element.ai)
            }
            seen[element.ai] = element.value
        }
        let present = Array(seen.keys)
        for ai in present.sorted() {
            guard let definition = GS1Syntax.definitions[ai] else { continue }
            for requirement in definition.requires where !present.contains(where: { candidate in
                requirement.contains { Self.matches(candidate, pattern: $0) }
            }) {
                throw GS1Error("needs one of \(requirement.map { "(\($0))" }.joined(separator: ", ")) in the same barcode", ai: ai)
            }
            for pattern in definition.excludes {
                if let other = present.first(where: { $0 != ai && Self.matches($0, pattern: pattern) }) {
                    throw GS1Error("cannot appear together with (\(other))", ai: ai)
                }
            }
        }
    }

    static func matches(_ ai: String, pattern: String) -> Bool {
        ai.count == pattern.count && zip(ai, pattern).allSatisfy { $1 == "n" || $0 == $1 }
    }

    static func printable(_ byte: UInt8) -> String {
        byte == groupSeparator ? "GS" : (byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : String(format: "0x%02X", byte))
    }
}

/// The scanned bytes with separator substitutes turned into GS, remembering where each byte came from so
/// that errors point into what the scanner actually sent.
struct ScanInput {
    var data: [UInt8] = []
    private var origin: [Int] = []
    var start = 0

    init(_ raw: String, separators: [String]) {
        var bytes = Array(raw.utf8)
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }  // keyboard wedges add Enter
        let substitutes = separators.map { Array($0.utf8) }
        var index = 0
        while index < bytes.count {
            if let match = substitutes.first(where: { bytes[index...].starts(with: $0) }) {
                data.append(GS1Parser.groupSeparator)
                origin.append(index)
                index += match.count
            } else {
                data.append(bytes[index])
                origin.append(index)
                index += 1
            }
        }
    }

    /// The data after the symbology identifier, without a leading FNC1 some scanners transmit as GS.
    var body: ArraySlice<UInt8> {
        data[start...].drop { $0 == GS1Parser.groupSeparator }
    }

    var isDigitalLink: Bool {
        let text = String(decoding: body.prefix(8), as: UTF8.self).lowercased()
        return text.hasPrefix("https://") || text.hasPrefix("http://")
    }

    /// 1-based position in the raw scan of data byte `index`.
    func position(of index: Int) -> Int {
        guard !origin.isEmpty else { return 1 }
        return origin[min(max(index, 0), origin.count - 1)] + 1
    }
}
