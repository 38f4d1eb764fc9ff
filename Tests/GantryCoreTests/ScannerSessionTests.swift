import Foundation
import GantryCore
import Testing

@Suite struct ScannerSessionTests {
    func body(_ action: ScannerSession.Action) throws -> [String: JSONValue] {
        guard case .post(_, let text) = action, case .object(let members) = try JSONValue.parse(text) else {
            Issue.record("expected a post, got \(action)")
            return [:]
        }
        return members
    }

    @Test func modesTurnScansIntoRequests() throws {
        var session = ScannerSession()
        #expect(session.take("]C10109506000134352") == .say("REFUSED no mode: scan a #RECEIVE, #MOVE, #ISSUE, #COUNT, #PACK, #SHIP or #TRANSFER command first"))
        #expect(session.take("#RECEIVE PO-1 2 RECV") == .say("receiving against PO-1/2 into RECV"))
        let id = UUID()
        let receipt = session.take("]C10109506000134352\r", requestID: id)
        guard case .post(let path, _) = receipt else { Issue.record("no post"); return }
        #expect(path == "/v1/receipts")
        #expect(try body(receipt) == [
            "id": .string(id.uuidString), "order": .string("PO-1"), "line": .number(2), "location": .string("RECV"),
            "scan": .string("]C10109506000134352"),
        ], "a serial scanner's CR is not part of the scan")
        _ = session.take("#QTY 2 BOX")
        let boxed = try body(session.take("]C10109506000134352"))
        #expect(boxed["quantity"] == .string("2") && boxed["uom"] == .string("BOX"))
        #expect(try body(session.take("]C10109506000134352"))["quantity"] == nil, "#QTY holds for one scan")
        _ = session.take("#ISSUE WO-7 LINE")
        #expect(try body(session.take("X"))["workOrder"] == .string("WO-7"))
    }

    @Test func aCountCollectsUntilEnd() throws {
        var session = ScannerSession()
        _ = session.take("#COUNT A1 COMPLETE")
        _ = session.take("#QTY 5")
        #expect(session.take("A") == .say("counted line 1; #END posts the count"))
        _ = session.take("B")
        #expect(session.take("B") == .say("counted 2 of line 2; #END posts the count"), "identical cartons add up")
        #expect(session.take("#MOVE A1 A2") == .say("REFUSED a count of 2 line(s) is open: #END it or #CANCEL it first"))
        let id = UUID()
        let count = try body(session.take("#END", requestID: id))
        #expect(count["id"] == .string(id.uuidString), "a retried count is the same count")
        #expect(count["complete"] == .bool(true) && count["location"] == .string("A1"))
        guard case .array(let lines)? = count["lines"] else { Issue.record("no lines"); return }
        #expect(lines == [.object(["scan": .string("A"), "quantity": .string("5")]), .object(["scan": .string("B"), "quantity": .string("2")])])
        #expect(session.mode == .idle && session.pendingCountLines == 0)
    }

    @Test func badCommandsAreRefusedAndChangeNothing() {
        var session = ScannerSession()
        _ = session.take("#MOVE A B")
        for bad in ["#RECEIVE PO-1 x RECV", "#QTY many", "#END", "#FLY away", "#COUNT A1 SOME"] {
            guard case .say(let text) = session.take(bad) else { Issue.record("\(bad) was not refused"); continue }
            #expect(text.hasPrefix("REFUSED"), "\(bad): \(text)")
        }
        #expect(session.mode == .move(from: "A", to: "B"))
    }

    @Test func packShipAndTransferModes() throws {
        var session = ScannerSession()
        _ = session.take("#PACK 040123450000000016 A1")
        let packed = session.take("]C10104012345000016211001")
        guard case .post(let packPath, _) = packed else { Issue.record("no post"); return }
        let packBody = try body(packed)
        #expect(packPath == "/v1/logistic-units/040123450000000016/contents" && packBody["from"] == .string("A1"))
        #expect(session.take("#SHIP SO-1 DHL JD1") == .say("shipping SO-1 with DHL (JD1): scan the units, then #END"))
        #expect(session.take("]C100040123450000000016") == .say("1 unit(s) on the shipment; #END ships them"))
        #expect(session.take("]C100040123450000000016") == .say("REFUSED that unit is on this shipment already"))
        _ = session.take("040123450000000023")
        #expect(session.take("#MOVE A B").isRefusal, "an open shipment is ended or cancelled first")
        let shipment = try body(session.take("#END"))
        #expect(shipment["order"] == .string("SO-1") && shipment["carrier"] == .string("DHL") && shipment["trackingReference"] == .string("JD1"))
        #expect(shipment["units"] == .array([.string("]C100040123450000000016"), .string("040123450000000023")]))
        #expect(session.mode == .idle)
        _ = session.take("#TRANSFER TR-7 RECV kim")
        let received = session.take("]C1003012345678000000016")
        guard case .post(let receivePath, _) = received else { Issue.record("no post"); return }
        #expect(receivePath == "/v1/inbound-transfers/TR-7/receipts")
        #expect(try body(received)["receivedBy"] == .string("kim"))
        #expect(session.take("#END").isRefusal, "#END has nothing to post while receiving")
    }
}

extension ScannerSession.Action {
    var isRefusal: Bool { if case .say(let text) = self { text.hasPrefix("REFUSED") } else { false } }
}
