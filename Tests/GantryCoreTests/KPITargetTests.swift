import Foundation
import GantryCore
import Testing

/// A KPI against its governed target and direction, in the definition's unit, with the definition's version.
@Suite struct KPITargetTests {
    /// The shift of `KPIFormulaTests`: A = 0.75, OEE = 0.625, scrap 20 / 330 = 6.06 %, MTBF 3 h, MTTR 25 min.
    static let shift = KPIFormulaTests.shift
    /// 100 produced, 7 scrap: 7 / 100 = 0.07, which × 100 is 7.000000000000001 in binary floating point.
    static let sevenPercent = KPIElements(actualProductionTime: 600, good: Quantity(93), scrap: Quantity(7))

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var formula: KPIFormula
        var unit: String
        var target: Decimal?
        var higherIsBetter: Bool
        var elements: KPIElements
        var value: Double?
        var status: KPIReading.Status
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "OEE below its target", formula: .oee, unit: "%", target: 85, higherIsBetter: true, elements: shift, value: 62.5, status: .offTarget),
        Case(name: "OEE above its target", formula: .oee, unit: "%", target: 60, higherIsBetter: true, elements: shift, value: 62.5, status: .onTarget),
        Case(name: "availability exactly at target", formula: .availability, unit: "%", target: 75, higherIsBetter: true, elements: shift, value: 75, status: .onTarget),
        Case(name: "availability as a fraction", formula: .availability, unit: "ratio", target: Decimal(string: "0.8"), higherIsBetter: true, elements: shift, value: 0.75, status: .offTarget),
        // 20 / 330 × 100 = 6.0606…: above a 5 % ceiling, below an 8 % one.
        Case(name: "scrap over its ceiling", formula: .scrapRatio, unit: "%", target: 5, higherIsBetter: false, elements: shift, value: 2_000.0 / 330, status: .offTarget),
        Case(name: "scrap under its ceiling", formula: .scrapRatio, unit: "%", target: 8, higherIsBetter: false, elements: shift, value: 2_000.0 / 330, status: .onTarget),
        Case(name: "scrap at its ceiling despite rounding", formula: .scrapRatio, unit: "%", target: 7, higherIsBetter: false, elements: sevenPercent, value: 7, status: .onTarget),
        // 5/12 h = 25 min against 30 min, lower is better.
        Case(name: "MTTR in minutes", formula: .mttr, unit: "min", target: 30, higherIsBetter: false, elements: shift, value: 25, status: .onTarget),
        Case(name: "MTBF in hours", formula: .mtbf, unit: "h", target: 4, higherIsBetter: true, elements: shift, value: 3, status: .offTarget),
        Case(name: "MTBF in seconds", formula: .mtbf, unit: "s", target: 7_200, higherIsBetter: true, elements: shift, value: 10_800, status: .onTarget),
        Case(name: "no target, no flag", formula: .oee, unit: "%", target: nil, higherIsBetter: true, elements: shift, value: 62.5, status: .noTarget),
        Case(name: "nothing to measure, no flag", formula: .oee, unit: "%", target: 85, higherIsBetter: true, elements: .zero, value: nil, status: .noValue),
    ]

    @Test(arguments: cases) func readingAgainstTarget(_ row: Case) throws {
        let definition = KPIDefinition(
            key: "K", name: row.name, formula: row.formula, unit: row.unit, target: row.target, higherIsBetter: row.higherIsBetter, version: 17)
        let reading = definition.reading(row.elements)
        #expect(reading.status == row.status)
        #expect(reading.flagged == (row.status == .offTarget))
        #expect(reading.version == 17 && reading.target == row.target && reading.formula == row.formula)
        if let expected = row.value {
            let value = try #require(reading.value)
            #expect(abs(value - expected) < 1e-9, "\(value) ≠ \(expected)")
        } else {
            #expect(reading.value == nil)
        }
    }

    static func record(_ data: String, version: Int64 = 9, active: Bool = true) throws -> MasterRecord {
        MasterRecord(
            kind: .kpi, company: "ACME", key: "OEE", active: active, plants: [], data: try JSONValue.parse(data), version: version,
            updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "tests")
    }

    @Test func aDefinitionCarriesItsMasterVersion() throws {
        let data = #"{"name":"OEE","formula":"oee","unit":"%","target":"85.5","higherIsBetter":true}"#
        let v9 = try #require(KPIDefinition(try Self.record(data)))
        #expect(v9 == KPIDefinition(key: "OEE", company: "ACME", name: "OEE", formula: .oee, unit: "%", target: Decimal(string: "85.5"), higherIsBetter: true, version: 9))
        // The hub changes the target at version 12: the same elements read against it, with the version shown.
        let v12 = try #require(KPIDefinition(try Self.record(data.replacingOccurrences(of: "85.5", with: "60"), version: 12)))
        #expect(v9.reading(Self.shift).status == .offTarget && v12.reading(Self.shift).status == .onTarget)
        #expect(v12.reading(Self.shift).version == 12)
        #expect(KPIDefinition(try Self.record(data, active: false)) == nil, "a retired definition makes no figure")
        #expect(KPIDefinition(try Self.record(data.replacingOccurrences(of: #""oee""#, with: #""teep""#))) == nil, "a formula this build does not know")
    }

    @Test func aReadingTravelsAsJSON() throws {
        let reading = KPIDefinition(key: "OEE", name: "OEE", formula: .qualityRatio, unit: "%", target: 99, higherIsBetter: true, version: 3).reading(Self.shift)
        let text = String(decoding: try JSONEncoder().encode(reading), as: UTF8.self)
        #expect(text.contains(#""formula":"quality-ratio""#) && text.contains(#""status":"off-target""#))
        #expect(try JSONDecoder().decode(KPIReading.self, from: Data(text.utf8)) == reading)
    }
}
