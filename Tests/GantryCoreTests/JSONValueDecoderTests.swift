import Foundation
import GantryCore
import Testing

/// Reading an event straight from its parsed payload gives what `JSONDecoder` gives from the payload's text: the
/// same event, or a refusal naming the same field in the same words.
@Suite struct JSONValueDecoderTests {
    struct Refusal: Error, Equatable { var words: String }

    /// What each path makes of `text`: the event, or the refusal as the hub words it.
    func bothPaths<E: PlantEvent>(_ type: E.Type, _ text: String) throws -> (text: Result<E, Refusal>, value: Result<E, Refusal>) {
        let payload = try JSONValue.parse(text)
        func worded(_ read: () throws -> E) -> Result<E, Refusal> {
            do { return .success(try read()) } catch let error as DecodingError { return .failure(Refusal(words: error.fieldDescription)) } catch {
                return .failure(Refusal(words: "\(error)"))
            }
        }
        return (worded { try WireFormat.decoder().decode(E.self, from: Data(payload.canonicalText.utf8)) },
                worded { try JSONValueDecoder.decode(E.self, from: payload) })
    }

    static let move = #""moveId":"0b7d2c3e-8f1a-4c6b-9d2e-1f3a5b7c9d0e","uom":"EA""#

    @Test(arguments: [
        #"{\#(move),"kind":"receipt","item":"RAW1","lot":"L-7","quantity":"12.5","to":"RECV","reference":{"kind":"purchase-order-line","id":"PO-1/1"}}"#,
        #"{\#(move),"kind":"issue","item":"RAW1","lot":null,"quantity":"0.000001","from":"STOCK","scan":"]C1019","reason":"x"}"#,
        #"{\#(move),"kind":"issue","quantity":"3","from":"STOCK"}"#,
        #"{\#(move),"kind":"issue","item":null,"quantity":"3","from":"STOCK"}"#,
        #"{\#(move),"kind":"issue","item":7,"quantity":"3","from":"STOCK"}"#,
        #"{\#(move),"kind":"issue","item":"A","quantity":3,"from":"STOCK"}"#,
        #"{\#(move),"kind":"issue","item":"A","quantity":"1e3","from":"STOCK"}"#,
        #"{\#(move),"kind":"issue","item":"A","quantity":"1.0000001","from":"STOCK"}"#,
        #"{\#(move),"kind":"teleport","item":"A","quantity":"1","from":"STOCK"}"#,
        #"{"moveId":"nope","uom":"EA","kind":"issue","item":"A","quantity":"1","from":"STOCK"}"#,
        #"{\#(move),"kind":"issue","item":"A","quantity":"1","from":"STOCK","reference":"WO-1"}"#,
        #"{\#(move),"kind":"issue","item":"A","quantity":"1","from":"STOCK","reference":{"kind":"work-order"}}"#,
        #"["not","an","object"]"#,
    ])
    func stockMovesReadAlike(text: String) throws {
        let (viaText, viaValue) = try bothPaths(StockMoved.self, text)
        #expect(viaText == viaValue)
    }

    @Test(arguments: [
        #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"RAW1","quantity":"100","tolerancePercent":"0","due":"2031-03-01","price":"1.23","currency":"EUR"}]}"#,
        #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"RAW1","quantity":"100","tolerancePercent":"0","due":"2031-03-01"}]}"#,
        #"{"order":"PO-1","supplier":"S1","lines":[{"line":"one","item":"RAW1","quantity":"100","tolerancePercent":"0","due":"2031-03-01"}]}"#,
        #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"RAW1","quantity":"100","tolerancePercent":"0","due":"2031-03-01"},{"line":2}]}"#,
        #"{"order":"PO-1","supplier":"S1","lines":{"line":1}}"#,
        #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"RAW1","quantity":"100","tolerancePercent":"0","due":"2031-03-01","price":"1.23","currency":"XYZ"}]}"#,
    ])
    func purchaseOrdersReadAlike(text: String) throws {
        let (viaText, viaValue) = try bothPaths(PurchaseOrderPlaced.self, text)
        #expect(viaText == viaValue)
    }

    static let times = #""plannedStart":"2031-03-01T06:00:00Z","plannedFinish":"2031-03-01T14:00:00.5Z","actualFinish":"2031-03-01T13:59:59.123456Z""#

    @Test(arguments: [
        #"{"workOrder":"WO-1","item":"FG1","plannedQuantity":"10","good":"9","scrap":"1","rework":"0",\#(times),"actualStart":"2031-03-01T06:05:00Z"}"#,
        #"{"workOrder":"WO-1","item":"FG1","plannedQuantity":"10","good":"9","scrap":"1","rework":"0",\#(times),"actualStart":"yesterday"}"#,
        #"{"workOrder":"WO-1","item":"FG1","plannedQuantity":"10","good":"9","scrap":"1","rework":"0",\#(times),"actualStart":1800000000}"#,
    ])
    func completionsWithTimesReadAlike(text: String) throws {
        let (viaText, viaValue) = try bothPaths(WorkOrderCompleted.self, text)
        #expect(viaText == viaValue)
    }

    @Test(arguments: [
        #"{"line":"L1","machine":"press","good":3,"scrap":0,"at":"2031-03-01T06:00:00Z"}"#,
        #"{"line":"L1","machine":"press","good":3.0,"scrap":0,"at":"2031-03-01T06:00:00Z"}"#,
        #"{"line":"L1","machine":"press","good":3.5,"scrap":0,"at":"2031-03-01T06:00:00Z"}"#,
        #"{"line":"L1","machine":"press","good":1e30,"scrap":0,"at":"2031-03-01T06:00:00Z"}"#,
        #"{"line":"L1","machine":"press","good":-2,"scrap":true,"at":"2031-03-01T06:00:00Z"}"#,
    ])
    func wholeNumbersReadAlike(text: String) throws {
        let (viaText, viaValue) = try bothPaths(MachineCountReported.self, text)
        switch (viaText, viaValue) {
        case (.success(let event), _): #expect(viaValue == .success(event))
        case (.failure(let refused), .failure(let refusedToo)):
            // JSONDecoder says a number that does not fit is "not valid JSON" without naming it; this path names it.
            #expect(refusedToo == refused || (refused.words == "body is not valid JSON" && refusedToo.words.hasPrefix("good: Number")))
        case (.failure, .success): Issue.record("\(text) was refused as text but read as a value")
        }
    }

    @Test func aFractionWhereAWholeNumberBelongsIsNamed() throws {
        let text = #"{"order":"PO-1","supplier":"S1","lines":[{"line":1.5,"item":"RAW1","quantity":"100","tolerancePercent":"0","due":"2031-03-01"}]}"#
        let (viaText, viaValue) = try bothPaths(PurchaseOrderPlaced.self, text)
        #expect(throws: (any Error).self) { try viaText.get() }
        #expect(viaValue == .failure(Refusal(words: "lines[0].line: Number 1.5 is not representable in Swift.")))
    }

    @Test func decimalsAreExactToTheirText() throws {
        for text in ["1.1", "0.3", "123456789.123456789", "-0.000001", "1e-7", "2"] {
            let value = try JSONValue.parse("[\(text)]")
            let viaText = try WireFormat.decoder().decode([Decimal].self, from: Data(value.canonicalText.utf8))
            #expect(try JSONValueDecoder.decode([Decimal].self, from: value) == viaText, "\(text)")
        }
        let nested = try JSONValue.parse(#"{"a":{"b":[1,null,"x"]},"c":true}"#)
        #expect(try JSONValueDecoder.decode(JSONValue.self, from: nested) == nested)
        #expect(try JSONValueDecoder.decode([String: JSONValue].self, from: nested) == WireFormat.decoder().decode(
            [String: JSONValue].self, from: Data(nested.canonicalText.utf8)))
    }
}

/// Quantities read from plain text digit by digit are what the general decimal path makes of them, and text that
/// path refuses is still refused.
@Suite struct QuantityTextTests {
    @Test(arguments: ["0", "-0", "7", "007", "12.5", "-12.5", "0.000001", "999999999999.999999", "1.100000", "-3.25"])
    func plainTextReadsAsTheDecimalPathReadsIt(text: String) throws {
        let general = try #require(DecimalText.parse(text).flatMap(Quantity.init(decimal:)))
        #expect(Quantity(text: text) == general)
    }

    @Test(arguments: ["1.0000001", "1234567890123.5", "1.50000000", "10000000000000"])
    func longerTextTakesTheGeneralPath(text: String) {
        #expect(Quantity(text: text) == DecimalText.parse(text).flatMap(Quantity.init(decimal:)))
    }

    @Test(arguments: ["", "-", ".5", "-.5", "1.", "1.2.3", "1e3", "+1", " 1", "1,5", "--1", "1-"])
    func malformedTextIsRefused(text: String) {
        #expect(Quantity(text: text) == nil)
    }
}
