import Foundation
import GantryCore
import GantryTestSupport
import Testing

/// Shipping end to end across real processes: a hub and three plants of two companies. A supplier lot received at
/// ACME-HAM is made into motors, transferred to ACME-BER, made into pumps there and shipped to a customer in two
/// partial shipments, and part of it transferred on to BETA-LYO across companies, with one pallet short at receipt.
/// Both plants work offline part of the time. The hub shows what is in transit, settles the discrepancy, computes
/// OTIF (checked against figures worked out by hand) and lists every customer and pallet of the supplier lot.
@Suite struct ShippingScenarioTests {
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR"}},
          {"kind":"company","key":"BETA","data":{"legalName":"Beta SAS","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Raw Metals","status":"approved"}},
          {"kind":"customer","company":"ACME","key":"C100","data":{"name":"Northwind","currency":"EUR","paymentTermsDays":30}},
          {"kind":"item","key":"RAW","data":{"description":"Steel","uom":"EA","tracking":"lot"}},
          {"kind":"item","key":"MOTOR","data":{"description":"Motor","uom":"EA","tracking":"lot","gtins":["04012345000016"]}},
          {"kind":"item","key":"PUMP","data":{"description":"Pump","uom":"EA","tracking":"lot"}},
          {"kind":"intercompany-price","company":"ACME","key":"BETA:MOTOR","data":{"buyer":"BETA","item":"MOTOR","price":{"amount":"41.50","currency":"EUR"}}}
        ]}
        """
    static let prefixes = ["ACME-HAM": "4099999", "ACME-BER": "4012345", "BETA-LYO": "3012345678"]

    struct Plant {
        var agent: AgentProcess

        var url: String { agent.url }

        @discardableResult
        func post(_ path: String, _ body: [String: Any], expect status: Int = 201, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
            let answer = try await HTTP.request("POST", url + path, json: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
            #expect(answer.status == status, "\(path): \(answer.text)", sourceLocation: sourceLocation)
            return (try? answer.json()) ?? [:]
        }

        func get(_ path: String) async throws -> [String: Any] { try await HTTP.request("GET", url + path).json() }
    }

    @discardableResult
    func hubPost(_ hub: HubProcess, _ path: String, _ body: [String: Any], expect status: Int = 201,
                 sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let answer = try await HTTP.request("POST", hub.url + path, token: hub.adminToken,
                                            json: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
        #expect(answer.status == status, "\(path): \(answer.text)", sourceLocation: sourceLocation)
        return (try? answer.json()) ?? [:]
    }

    func hubGet(_ hub: HubProcess, _ path: String) async throws -> [String: Any] {
        try await HTTP.request("GET", hub.url + path, token: hub.adminToken).json()
    }

    /// The plant's day today and `days` from it, as the hub and plants see them (Europe/Berlin).
    static func day(_ days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Berlin")!
        let date = calendar.date(byAdding: .day, value: days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func ordersTransfersRecallsAndServiceLevelAcrossThreePlants() async throws {
        try await withTemporaryDirectory { dir in
            let hub = try await HubProcess(dir: dir)
            try Self.masters.write(toFile: "\(dir)/masters.json", atomically: true, encoding: .utf8)
            let applied = try await run("gantry-hub", ["masters", "apply", "--config", hub.configPath, "\(dir)/masters.json"])
            try #require(applied.status == 0, "\(applied.stderr)")
            var tokens: [String: String] = [:]
            for plant in ["ACME-HAM", "ACME-BER", "BETA-LYO"] {
                let parts = plant.split(separator: "-").map(String.init)
                let result = try await run("gantry-hub", [
                    "plants", "add", "--config", hub.configPath, "--company", parts[0], "--code", parts[1], "--time-zone", "Europe/Berlin",
                ])
                try #require(result.status == 0, "\(result.stderr)")
                tokens[plant] = String(try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("hub.token = ") }).dropFirst("hub.token = ".count))
            }
            let plantRecords = Self.prefixes.map { plant, prefix in
                #"{"kind":"plant","company":"\#(plant.prefix(4))","key":"\#(plant)","data":{"name":"\#(plant)","timeZone":"Europe/Berlin","gs1CompanyPrefix":"\#(prefix)"}}"#
            }
            try #"{"records":[\#(plantRecords.joined(separator: ","))]}"#.write(toFile: "\(dir)/plants.json", atomically: true, encoding: .utf8)
            let prefixed = try await run("gantry-hub", ["masters", "apply", "--config", hub.configPath, "\(dir)/plants.json"])
            try #require(prefixed.status == 0, "\(prefixed.stderr)")
            try await hub.start()
            var plants: [String: Plant] = [:]
            for plant in ["ACME-HAM", "ACME-BER", "BETA-LYO"] {
                let agent = try AgentProcess(dir: dir, plantID: plant, hubURL: hub.url, token: tokens[plant]!, extra: "masters.poll_interval = 200ms")
                try await agent.start()
                plants[plant] = Plant(agent: agent)
                for (code, type) in [("RECV", "receiving"), ("A1", "storage"), ("DOCK", "storage"), ("QUAR", "quarantine")] {
                    try await plants[plant]!.post("/v1/locations", ["code": code, "type": type, "warehouse": "W1"])
                }
            }
            let ham = plants["ACME-HAM"]!, ber = plants["ACME-BER"]!, lyo = plants["BETA-LYO"]!
            for plant in plants.values {
                try await eventually("the plant has its company prefix") {
                    let record = try await plant.get("/v1/masters")
                    return "\(record)".contains("gs1CompanyPrefix") && "\(record)".contains("MOTOR")
                }
            }

            // ACME-HAM receives supplier lot SUP-L1 and makes 40 motors of lot M1 from 50 of it.
            try await ham.post("/v1/purchase-orders", ["order": "PO-1", "supplier": "S1", "lines": [["line": 1, "item": "RAW", "quantity": "100"]]])
            try await ham.post("/v1/receipts", ["order": "PO-1", "line": 1, "location": "A1", "item": "RAW", "lot": "SUP-L1", "quantity": "100"])
            try await ham.post("/v1/issues", ["workOrder": "WO-H1", "from": "A1", "item": "RAW", "lot": "SUP-L1", "quantity": "50"])
            try await ham.post("/v1/outputs", ["workOrder": "WO-H1", "to": "A1", "item": "MOTOR", "lot": "M1", "quantity": "40"])

            // Transfer T1 within ACME: 30 motors from Hamburg to Berlin, three pallets of 10.
            try await hubPost(hub, "/v1/transfers", ["transfer": "T1", "fromPlant": "ACME-HAM", "toPlant": "ACME-BER", "requested": Self.day(5),
                                                     "lines": [["line": 1, "item": "MOTOR", "quantity": "30"]]])
            let t1 = try await shipTransfer("T1", from: ham, pallets: [10, 10, 10])
            try await eventually("Berlin hears of T1's units") {
                let transfers = try await ber.get("/v1/inbound-transfers?transfer=T1")["transfers"] as? [[String: Any]] ?? []
                return (transfers.first?["units"] as? [Any])?.count == 3
            }
            for sscc in t1 { try await ber.post("/v1/inbound-transfers/T1/receipts", ["sscc": sscc, "location": "A1", "receivedBy": "ben"]) }
            try await ber.post("/v1/inbound-transfers/T1/close", ["closedBy": "ben"], expect: 200)

            // Berlin makes 10 pumps of lot P1 from 10 of the motors.
            try await ber.post("/v1/issues", ["workOrder": "WO-B1", "from": "A1", "item": "MOTOR", "lot": "M1", "quantity": "10"])
            try await ber.post("/v1/outputs", ["workOrder": "WO-B1", "to": "A1", "item": "PUMP", "lot": "P1", "quantity": "10"])

            // SO-1 (due in 30 days) ships in two partial shipments; SO-2 (due yesterday) ships 6 of 10.
            try await hubPost(hub, "/v1/customer-orders", ["order": "SO-1", "plant": "ACME-BER", "customer": "C100", "requested": Self.day(30),
                                                           "lines": [["line": 1, "item": "PUMP", "quantity": "10", "price": "250.00"],
                                                                     ["line": 2, "item": "MOTOR", "quantity": "6", "price": "60.00"]]])
            try await hubPost(hub, "/v1/customer-orders", ["order": "SO-2", "plant": "ACME-BER", "customer": "C100", "requested": Self.day(-1),
                                                           "lines": [["line": 1, "item": "MOTOR", "quantity": "10", "price": "60.00"]]])
            try await eventually("Berlin has both orders") {
                (try await ber.get("/v1/outbound-orders")["orders"] as? [Any])?.count == 2
            }
            let pallet1 = try await ber.post("/v1/logistic-units", ["order": "SO-1", "location": "DOCK"])["sscc"] as! String
            #expect(pallet1.hasPrefix("04012345") && pallet1.count == 18)
            try await ber.post("/v1/logistic-units/\(pallet1)/contents", ["from": "A1", "item": "PUMP", "lot": "P1", "quantity": "10"])
            try await ber.post("/v1/logistic-units/\(pallet1)/contents", ["from": "A1", "item": "MOTOR", "lot": "M1", "quantity": "3"])
            let first = try await ber.post("/v1/shipments", ["order": "SO-1", "units": [pallet1], "carrier": "DHL", "trackingReference": "JD1"])
            #expect((first["message"] as? String)?.contains("3 MOTOR on line 2") == true, "\(first)")
            let pallet2 = try await ber.post("/v1/logistic-units", ["order": "SO-1", "location": "DOCK"])["sscc"] as! String
            try await ber.post("/v1/logistic-units/\(pallet2)/contents", ["from": "A1", "scan": "]C10104012345000016" + "10M1", "quantity": "3"])
            try await ber.post("/v1/shipments", ["order": "SO-1", "units": ["(00)" + pallet2], "carrier": "DHL", "trackingReference": "JD2"])
            let pallet3 = try await ber.post("/v1/logistic-units", ["order": "SO-2", "location": "DOCK"])["sscc"] as! String
            try await ber.post("/v1/logistic-units/\(pallet3)/contents", ["from": "A1", "item": "MOTOR", "lot": "M1", "quantity": "6"])
            try await ber.post("/v1/shipments", ["order": "SO-2", "units": [pallet3], "carrier": "UPS", "trackingReference": "1Z"])

            // T2 across companies: 4 motors from Berlin to Lyon in two pallets, at the intercompany price.
            try await hubPost(hub, "/v1/transfers", ["transfer": "T2", "fromPlant": "ACME-BER", "toPlant": "BETA-LYO", "requested": Self.day(7),
                                                     "lines": [["line": 1, "item": "MOTOR", "quantity": "4"]]])
            try await eventually("Berlin has T2") { (try await ber.get("/v1/outbound-orders?order=T2")["orders"] as? [Any])?.count == 1 }
            try await eventually("Lyon expects T2") { (try await lyo.get("/v1/inbound-transfers?transfer=T2")["transfers"] as? [Any])?.count == 1 }
            // The WAN is down for both plants: Berlin packs and ships T2 offline.
            _ = try await hub.child?.stop()
            let t2 = try await shipTransfer("T2", from: ber, pallets: [2, 2])
            try await hub.start()
            try await eventually("the hub sees T2 in transit") {
                let transit = try await hubGet(hub, "/v1/reports/in-transit")
                return "\(transit)".contains(t2[0]) && "\(transit)".contains(t2[1])
            }
            let transit = try await hubGet(hub, "/v1/reports/in-transit?company=BETA")
            #expect("\(transit)".contains("M1") && "\(transit)".contains("BETA-LYO"), "in transit, with its lot: \(transit)")
            try await eventually("Lyon hears of T2's units") {
                let transfers = try await lyo.get("/v1/inbound-transfers?transfer=T2")["transfers"] as? [[String: Any]] ?? []
                return (transfers.first?["units"] as? [Any])?.count == 2
            }
            // Offline again: Lyon receives one pallet, refuses a second scan of it, another transfer's and a foreign SSCC,
            // and closes the receipt with the other pallet short.
            _ = try await hub.child?.stop()
            try await lyo.post("/v1/inbound-transfers/T2/receipts", ["scan": "]C100" + t2[0], "location": "A1", "receivedBy": "lea"])
            try await lyo.post("/v1/inbound-transfers/T2/receipts", ["sscc": t2[0], "location": "A1", "receivedBy": "lea"], expect: 409)
            try await lyo.post("/v1/inbound-transfers/T2/receipts", ["sscc": t1[0], "location": "A1", "receivedBy": "lea"], expect: 422)
            let closed = try await lyo.post("/v1/inbound-transfers/T2/close", ["closedBy": "lea"], expect: 200)
            #expect(closed["unitsShort"] as? Int == 1 && closed["tradingPartner"] as? String == "ACME")
            try await hub.start()
            func transferT2() async throws -> [String: Any] {
                try #require((try await hubGet(hub, "/v1/transfers?transfer=T2")["transfers"] as? [[String: Any]])?.first)
            }
            try await eventually("the hub has Lyon's closed receipt") { try await transferT2()["status"] as? String == "closed" }
            let closedAtHub = try await transferT2()
            #expect(closedAtHub["units"] as? [String: Int] == ["shipped": 2, "received": 1, "short": 1], "\(closedAtHub)")
            let discrepancies = closedAtHub["discrepancies"] as? [[String: Any]] ?? []
            #expect(discrepancies.count == 1, "\(discrepancies)")
            let short = try #require(discrepancies.first)
            #expect(short["kind"] as? String == "short" && short["sscc"] as? String == t2[1] && short["quantity"] as? String == "2")
            #expect(short["recordedBy"] as? String == "lea" && short["company"] as? String == "BETA" && short["tradingPartner"] as? String == "ACME")
            #expect(short["settlement"] == nil)
            #expect("\(closedAtHub["lines"] ?? "")".contains("41.50"), "the transfer price from the intercompany price list")
            try await hubPost(hub, "/v1/transfers/T2/discrepancies/1/settle", ["resolution": "written-off", "note": "lost in transit"], expect: 200)
            try await hubPost(hub, "/v1/transfers/T2/discrepancies/1/settle", ["resolution": "credited", "note": "again"], expect: 409)
            let settlement = try #require(((try await transferT2())["discrepancies"] as? [[String: Any]])?.first?["settlement"] as? [String: Any])
            #expect(settlement["resolution"] as? String == "written-off" && settlement["note"] as? String == "lost in transit")

            // OTIF by hand, shipments today: SO-1's two lines are in full before their date (2 of 2); SO-2's line
            // was due yesterday and 6 of 10 left today, so it is neither on time nor in full, and 4 are owed.
            try await eventually("the hub has Berlin's shipments of SO-2") {
                let orders = try await hubGet(hub, "/v1/customer-orders?order=SO-2")
                return "\(orders)".contains("partially-shipped")
            }
            let level = try await hubGet(hub, "/v1/reports/service-level?customer=C100")
            let total = try #require(level["total"] as? [String: Any], "\(level)")
            #expect(total["measured"] as? Int == 3 && total["otif"] as? Int == 2 && total["onTime"] as? Int == 2 && total["inFull"] as? Int == 2)
            #expect("\(total["otifPercent"] ?? "")".hasPrefix("66.67") && total["backorderLines"] as? Int == 1, "\(total)")

            // Recall: supplier lot SUP-L1 went into M1 (Hamburg, Berlin, Lyon) and P1 (Berlin), to customer C100 on three pallets.
            let recall = try await hubGet(hub, "/v1/recalls?item=RAW&lot=SUP-L1")
            let text = "\(recall)"
            for expected in ["M1", "P1", "C100", pallet1, pallet2, pallet3, t2[0], "ACME-HAM", "ACME-BER", "BETA-LYO"] {
                #expect(text.contains(expected), "the recall names \(expected): \(text)")
            }
            let trace = "\(try await hubGet(hub, "/v1/shipments/ACME-BER/SHP-1/trace"))"
            #expect(trace.contains("SUP-L1") && trace.contains("S1") && trace.contains("PO-1"), "back to the supplier lot: \(trace)")
            for plant in plants.values { _ = try await plant.agent.child?.stop() }
            _ = try await hub.child?.stop()
        }
    }

    /// Opens `pallets` units for `transfer` at the plant, packs each with that many motors of lot M1, ships them in one shipment.
    func shipTransfer(_ transfer: String, from plant: Plant, pallets: [Int]) async throws -> [String] {
        try await eventually("the plant has \(transfer)") { (try await plant.get("/v1/outbound-orders?order=\(transfer)")["orders"] as? [Any])?.count == 1 }
        var units: [String] = []
        for quantity in pallets {
            let sscc = try await plant.post("/v1/logistic-units", ["order": transfer, "location": "DOCK"])["sscc"] as! String
            try await plant.post("/v1/logistic-units/\(sscc)/contents", ["from": "A1", "item": "MOTOR", "lot": "M1", "quantity": "\(quantity)"])
            units.append(sscc)
        }
        try await plant.post("/v1/shipments", ["order": transfer, "units": units, "carrier": "DSV", "trackingReference": "\(transfer)-TRUCK"])
        return units
    }
}
