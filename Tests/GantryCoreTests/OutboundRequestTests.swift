import Foundation
import GantryCore
import Testing

/// Customer orders and transfers as the hub takes them: every refusal without a database.
@Suite struct OutboundRequestTests {
    static func customer(company: String = "ACME", active: Bool = true) -> CustomerMaster {
        var master = try! JSONDecoder().decode(CustomerMaster.self, from: Data(#"{"name":"Northwind","currency":"USD","paymentTermsDays":30}"#.utf8))
        master.key = "C100"
        master.company = company
        master.active = active
        return master
    }

    static func price(company: String = "ACME", buyer: String = "BETA", item: String = "PUMP", active: Bool = true) -> IntercompanyPriceMaster {
        var master = try! JSONDecoder().decode(IntercompanyPriceMaster.self, from: Data(
            #"{"buyer":"\#(buyer)","item":"\#(item)","price":{"amount":"41.50","currency":"EUR"}}"#.utf8))
        master.key = "\(buyer):\(item)"
        master.company = company
        master.active = active
        return master
    }

    static let order = CustomerOrderRequest(
        order: "SO-1", plant: "ACME-BER", customer: "C100", requested: "2027-01-20",
        lines: [.init(line: 1, item: "PUMP", quantity: Quantity(10), price: "12.50", promised: "2027-01-22"),
                .init(line: 2, item: "VALVE", quantity: Quantity(micro: 500_000), price: "0")])
    static let items: Set<String> = ["PUMP", "VALVE"]

    @Test func anOrderTakesTheCustomersCurrencyAndName() throws {
        let instruction = try Self.order.decide(.init(company: "ACME", customer: Self.customer(), items: Self.items))
        #expect(instruction.currency.code == "USD" && instruction.customerName == "Northwind" && instruction.company == "ACME")
        #expect(instruction.lines.map(\.price) == [Money(minorUnits: 1250, currency: .USD), Money(minorUnits: 0, currency: .USD)])
        #expect(instruction.lines.map(\.promised) == ["2027-01-22", nil])
        var inEuro = Self.order
        inEuro.currency = "EUR"
        #expect(try inEuro.decide(.init(company: "ACME", customer: Self.customer(), items: Self.items)).currency.code == "EUR")
    }

    static func changed(_ change: (inout CustomerOrderRequest) -> Void) -> CustomerOrderRequest {
        var order = order
        change(&order)
        return order
    }

    @Test(arguments: [
        (changed { $0.order = "SO 1" }, nil as CustomerMaster?, ShippingRefusal.Code.invalid, "order"),
        (changed { $0.requested = "2027-13-45x" }, nil, .invalid, "requested"),
        (order, nil, .unknownCounterpart, "customer"),
        (order, customer(company: "BETA"), .unknownCounterpart, "customer"),
        (order, customer(active: false), .unknownCounterpart, "customer"),
        (changed { $0.currency = "EURO" }, customer(), .invalid, "currency"),
        (changed { $0.lines = [] }, customer(), .invalid, "lines"),
        (changed { $0.lines[1].line = 1 }, customer(), .invalid, "lines[1].line"),
        (changed { $0.lines[0].line = 0 }, customer(), .invalid, "lines[0].line"),
        (changed { $0.lines[1].item = "BOLT" }, customer(), .invalid, "lines[1].item"),
        (changed { $0.lines[0].quantity = .zero }, customer(), .invalid, "lines[0].quantity"),
        (changed { $0.lines[0].price = "-1" }, customer(), .invalid, "lines[0].price"),
        (changed { $0.lines[0].price = "ten" }, customer(), .invalid, "lines[0].price"),
        (changed { $0.lines[1].promised = "soon" }, customer(), .invalid, "lines[1].promised"),
        (changed { $0.note = String(repeating: "n", count: 501) }, customer(), .invalid, "note"),
    ])
    func anOrderIsRefusedNamingTheField(order: CustomerOrderRequest, customer: CustomerMaster?, code: ShippingRefusal.Code, field: String) {
        let refusal = #expect(throws: ShippingRefusal.self) {
            _ = try order.decide(.init(company: "ACME", customer: customer, items: Self.items))
        }
        #expect(refusal?.code == code && refusal?.field == field, "\(String(describing: refusal))")
        #expect(refusal?.problem.status == 422, "the request is refused, not a state")
    }

    static let transfer = TransferRequest(
        transfer: "TR-1", fromPlant: "ACME-BER", toPlant: "BETA-OSL", requested: "2027-02-01",
        lines: [.init(line: 1, item: "PUMP", quantity: Quantity(8))])

    @Test func acrossCompaniesEachLineTakesTheSellersTransferPrice() throws {
        let prices = [Self.price(buyer: "GAMMA"), Self.price(item: "VALVE", active: false), Self.price()]
        let instruction = try Self.transfer.decide(.init(fromCompany: "ACME", toCompany: "BETA", items: Self.items, prices: prices))
        #expect(instruction.isIntercompany && instruction.lines.map(\.price) == [Money(minorUnits: 4150, currency: .EUR)])
        let within = try Self.transfer.decide(.init(fromCompany: "ACME", toCompany: "ACME", items: Self.items, prices: []))
        #expect(!within.isIntercompany && within.lines.map(\.price) == [nil], "within one company there is no price")
    }

    static func changed(_ change: (inout TransferRequest) -> Void) -> TransferRequest {
        var transfer = transfer
        change(&transfer)
        return transfer
    }

    @Test(arguments: [
        (changed { $0.transfer = "" }, [price()], ShippingRefusal.Code.invalid, "transfer"),
        (changed { $0.toPlant = "ACME-BER" }, [price()], .invalid, "toPlant"),
        (changed { $0.requested = "tomorrow" }, [price()], .invalid, "requested"),
        (changed { $0.lines[0].item = "BOLT" }, [price()], .invalid, "lines[0].item"),
        (changed { $0.lines[0].quantity = Quantity(200_000_000) }, [price()], .invalid, "lines[0].quantity"),
        (transfer, [], .unknownCounterpart, "lines[0].item"),
        (transfer, [price(active: false)], .unknownCounterpart, "lines[0].item"),
        (transfer, [price(company: "BETA")], .unknownCounterpart, "lines[0].item"),
        (transfer, [price(buyer: "GAMMA")], .unknownCounterpart, "lines[0].item"),
    ])
    func aTransferIsRefusedNamingTheField(
        transfer: TransferRequest, prices: [IntercompanyPriceMaster], code: ShippingRefusal.Code, field: String
    ) {
        let refusal = #expect(throws: ShippingRefusal.self) {
            _ = try transfer.decide(.init(fromCompany: "ACME", toCompany: "BETA", items: Self.items, prices: prices))
        }
        #expect(refusal?.code == code && refusal?.field == field, "\(String(describing: refusal))")
        if code == .unknownCounterpart, let detail = refusal?.detail {
            #expect(detail.contains("PUMP") && detail.contains("ACME") && detail.contains("BETA"), "names the item and both companies")
        }
    }

    @Test(arguments: [
        (nil as DiscrepancySettlement.Resolution?, "  carrier pays  ", nil as ShippingRefusal.Code?),
        (.writtenOff, "carrier pays", .settledAlready),
        (.found, "carrier pays", .settledAlready),
        (nil, "   ", .invalid),
        (nil, String(repeating: "n", count: 1001), .invalid),
    ])
    func aDiscrepancyIsSettledOnceWithAReason(held: DiscrepancySettlement.Resolution?, note: String, refusal: ShippingRefusal.Code?) throws {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let settling = DiscrepancySettlement(resolution: .credited, note: note, settledBy: "user:carol", settledAt: at)
        let before = held.map { DiscrepancySettlement(resolution: $0, note: "n", settledBy: "user:dan", settledAt: at) }
        if let refusal {
            let refused = #expect(throws: ShippingRefusal.self) { _ = try DiscrepancySettlement.settle(before, with: settling, discrepancy: "TR-1/1") }
            #expect(refused?.code == refusal && refused?.problem.status == (refusal == .settledAlready ? 409 : 422))
        } else {
            let settled = try DiscrepancySettlement.settle(before, with: settling, discrepancy: "TR-1/1")
            #expect(settled.note == "carrier pays" && settled.resolution == .credited && settled.settledBy == "user:carol")
        }
    }
}
