import Foundation

/// One AI and its data as scanned.
public struct GS1Element: Sendable, Equatable, Codable {
    public var ai: String
    public var value: String

    public init(ai: String, value: String) {
        self.ai = ai
        self.value = value
    }
}

/// A trade measure such as net weight, with its decimal point applied (`3103` `001250` → `1.250` kg).
public struct GS1Measure: Sendable, Equatable, Codable {
    public var ai: String
    /// The decimal value as text, exactly as many decimals as the AI says.
    public var value: String
    public var unit: String
}

/// A decoded GS1 barcode: its elements, and the facts plants use most, read from them.
public struct GS1Message: Sendable, Equatable {
    /// The symbology identifier the scanner sent (`]C1`, `]d2`, …), if any.
    public var symbology: String?
    /// Every element in the order scanned (for a Digital Link: path keys, then query attributes).
    public var elements: [GS1Element]
    /// GTIN-14 from AI (01), or from a plain EAN/UPC barcode.
    public var gtin: String?
    /// SSCC from AI (00).
    public var sscc: String?
    /// Batch or lot from AI (10).
    public var batch: String?
    /// Serial number from AI (21).
    public var serial: String?
    /// Expiry (use-by) date from AI (17).
    public var expiry: GS1Date?
    /// Best-before date from AI (15).
    public var bestBefore: GS1Date?
    /// Production date from AI (11).
    public var productionDate: GS1Date?
    /// Count from AI (30) or (37), leading zeros removed.
    public var quantity: String?
    /// Trade measures from AIs (31nn)–(36nn).
    public var measures: [GS1Measure]

    init(symbology: String?, elements: [GS1Element], referenceYear: Int) {
        self.symbology = symbology
        self.elements = elements
        measures = []
        func value(_ ai: String) -> String? { elements.first { $0.ai == ai }?.value }
        func date(_ ai: String) -> GS1Date? {
            value(ai).flatMap { GS1Date.parse($0, referenceYear: referenceYear, allowZeroDay: true).date }
        }
        gtin = value("01")
        sscc = value("00")
        batch = value("10")
        serial = value("21")
        expiry = date("17")
        bestBefore = date("15")
        productionDate = date("11")
        quantity = (value("30") ?? value("37")).map { String($0.drop { $0 == "0" }).isEmpty ? "0" : String($0.drop { $0 == "0" }) }
        for element in elements {
            guard let first = element.ai.first, element.ai.count == 4, ("1"..."6").contains(element.ai.dropFirst().first!), first == "3",
                  let decimals = Int(String(element.ai.last!)), let unit = GS1Measure.units[String(element.ai.prefix(3))]
            else { continue }
            measures.append(GS1Measure(ai: element.ai, value: GS1Measure.decimal(element.value, decimals: decimals), unit: unit))
        }
    }
}

extension GS1Measure {
    /// Units by the first three digits of the AI, as the GS1 General Specifications name them.
    static let units: [String: String] = [
        "310": "kg", "311": "m", "312": "m", "313": "m", "314": "m2", "315": "l", "316": "m3",
        "320": "lb", "321": "in", "322": "ft", "323": "yd", "324": "in", "325": "ft", "326": "yd",
        "327": "in", "328": "ft", "329": "yd", "330": "kg", "331": "m", "332": "m", "333": "m", "334": "m2",
        "335": "l", "336": "m3", "337": "kg/m2", "340": "lb", "341": "in", "342": "ft", "343": "yd",
        "344": "in", "345": "ft", "346": "yd", "347": "in", "348": "ft", "349": "yd", "350": "in2",
        "351": "ft2", "352": "yd2", "353": "in2", "354": "ft2", "355": "yd2", "356": "oz t", "357": "oz",
        "360": "qt", "361": "gal", "362": "qt", "363": "gal", "364": "in3", "365": "ft3", "366": "yd3",
        "367": "in3", "368": "ft3", "369": "yd3",
    ]

    /// `001250` with 3 decimals is `1.250`.
    static func decimal(_ digits: String, decimals: Int) -> String {
        let padded = String(repeating: "0", count: max(decimals + 1 - digits.count, 0)) + digits
        let integer = padded.dropLast(decimals).drop { $0 == "0" }
        let whole = integer.isEmpty ? "0" : String(integer)
        return decimals == 0 ? whole : whole + "." + padded.suffix(decimals)
    }
}

extension GS1Message: Encodable {
    enum CodingKeys: String, CodingKey {
        case symbology, elements, gtin, sscc, batch, serial, expiry, bestBefore, productionDate, quantity, measures
    }

    /// The shape `gantry-agent gs1 decode` prints: keys present only when the data has them.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(symbology, forKey: .symbology)
        try container.encode(elements, forKey: .elements)
        try container.encodeIfPresent(gtin, forKey: .gtin)
        try container.encodeIfPresent(sscc, forKey: .sscc)
        try container.encodeIfPresent(batch, forKey: .batch)
        try container.encodeIfPresent(serial, forKey: .serial)
        try container.encodeIfPresent(expiry?.iso, forKey: .expiry)
        try container.encodeIfPresent(bestBefore?.iso, forKey: .bestBefore)
        try container.encodeIfPresent(productionDate?.iso, forKey: .productionDate)
        try container.encodeIfPresent(quantity, forKey: .quantity)
        if !measures.isEmpty { try container.encode(measures, forKey: .measures) }
    }
}
