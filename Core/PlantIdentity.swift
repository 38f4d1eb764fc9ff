/// The identifiers of a plant: company code and plant code, each upper-case letters and digits, and the
/// plant id `COMPANY-PLANT` that names the plant everywhere (log, tokens, reports).
public struct PlantIdentity: Sendable, Hashable, CustomStringConvertible {
    public var company: String
    public var code: String

    /// Validates and upper-cases both codes.
    public init(company: String, code: String) throws(IdentifierError) {
        self.company = try Self.validate(company, what: "company code")
        self.code = try Self.validate(code, what: "plant code")
    }

    /// `COMPANY-PLANT`.
    public var plantID: String { "\(company)-\(code)" }
    public var description: String { plantID }

    /// The company code of a plant id `COMPANY-PLANT`.
    public static func company(of plantID: String) -> String {
        String(plantID.prefix { $0 != "-" })
    }

    /// A code a plant gives its own things (orders, locations, work orders, references): 1 to 64 letters, digits,
    /// '-', '_' or '.'.
    public static func isLocalCode(_ text: String) -> Bool {
        (1...64).contains(text.count)
            && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    static func validate(_ text: String, what: String) throws(IdentifierError) -> String {
        let upper = text.uppercased()
        guard (1...16).contains(upper.count),
              upper.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) })
        else {
            throw IdentifierError(reason: "\(what) must be 1 to 16 letters or digits, got \"\(text)\"")
        }
        return upper
    }
}

/// A malformed company or plant code.
public struct IdentifierError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String

    public init(reason: String) { self.reason = reason }

    public var description: String { reason }
}
