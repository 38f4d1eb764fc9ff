import Foundation
import GantryCore
import Testing

/// One open request per machine or plan, completion once, and every refusal of a request or plan.
@Suite struct MaintenanceRequestRulesTests {
    @Test(arguments: [
        ("corrective", false, false, true), ("corrective", true, false, false), ("corrective", false, true, true),
        ("preventive", false, false, true), ("preventive", true, false, true), ("preventive", false, true, false),
    ])
    func oneOpenRequestPerMachineOrPlan(_ kind: String, _ openForMachine: Bool, _ openForPlan: Bool, _ opens: Bool) {
        #expect(MaintenanceRequestRules.mayOpen(kind: kind, openForMachine: openForMachine, openForPlan: openForPlan) == opens)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var code: MaintenanceRefusal.Code
        var field: String?
        var decide: @Sendable () throws -> Void
        var testDescription: String { name }
    }

    static let id = UUID()

    static func plan(line: String = "L1", everyDays: Int? = 7, everyGoodParts: Int64? = nil, description: String = "grease") throws {
        _ = try MaintenanceRequestRules.plan(
            id: id, line: line, machine: "PRESS", everyDays: everyDays, everyGoodParts: everyGoodParts, description: description, at: Date())
    }

    static let cases: [Case] = [
        Case(name: "unknown request", code: .notFound) { try MaintenanceRequestRules.complete(id, state: nil) },
        Case(name: "completed twice", code: .alreadyCompleted) { try MaintenanceRequestRules.complete(id, state: .completed) },
        Case(name: "line", code: .invalidRequest, field: "line") { _ = try MaintenanceRequestRules.machine(line: "L 1", machine: "PRESS") },
        Case(name: "machine", code: .invalidRequest, field: "machine") { _ = try MaintenanceRequestRules.machine(line: "L1", machine: "") },
        Case(name: "part item", code: .invalidPart, field: "parts[0].item") {
            try MaintenanceRequestRules.checkParts([SparePart(item: "", quantity: "1")])
        },
        Case(name: "part quantity", code: .invalidPart, field: "parts[1].quantity") {
            try MaintenanceRequestRules.checkParts([SparePart(item: "BELT", quantity: "0.5"), SparePart(item: "OIL", quantity: "-1")])
        },
        Case(name: "plan machine", code: .invalidRequest, field: "line") { try plan(line: "") },
        Case(name: "plan interval", code: .invalidPlan, field: "everyDays") { try plan(everyDays: nil) },
        Case(name: "plan days", code: .invalidPlan, field: "everyDays") { try plan(everyDays: 3661) },
        Case(name: "plan parts", code: .invalidPlan, field: "everyGoodParts") { try plan(everyGoodParts: 0) },
        Case(name: "plan description", code: .invalidPlan, field: "description") { try plan(description: "") },
    ]

    @Test(arguments: cases)
    func refusal(_ refusal: Case) {
        #expect { try refusal.decide() } throws: { error in
            guard let error = error as? MaintenanceRefusal else { return false }
            #expect(error.code == refusal.code && error.field == refusal.field, "\(error)")
            return true
        }
    }

    @Test func anOpenRequestCompletesAndAGoodPlanIsMade() throws {
        try MaintenanceRequestRules.complete(Self.id, state: .open)
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let plan = try MaintenanceRequestRules.plan(
            id: Self.id, line: "L1", machine: "PRESS", everyDays: nil, everyGoodParts: 5000, description: "grease", at: at)
        #expect(plan == MaintenancePlan(planId: Self.id, line: "L1", machine: "PRESS", everyDays: nil, everyGoodParts: 5000, description: "grease", createdAt: at))
    }

    @Test(arguments: [
        (MaintenanceRefusal.Code.notFound, 404), (.alreadyCompleted, 409), (.requestOpen, 409), (.invalidQuery, 400),
        (.invalidRequest, 422), (.invalidPart, 422), (.invalidPlan, 422),
    ])
    func answersWithItsStatus(_ code: MaintenanceRefusal.Code, _ status: Int) {
        #expect(MaintenanceRefusal(code, "why", field: "f").problem
            == ProblemDetails(code: code.rawValue, title: "Maintenance request refused", status: status, detail: "why", field: "f"))
    }

    @Test func everyCodeIsCovered() {
        let covered = Set(Self.cases.map(\.code.rawValue) + ["request-open", "invalid-query"])
        #expect(covered == Set(MaintenanceRefusal.Code.allCases.map(\.rawValue)))
    }
}
