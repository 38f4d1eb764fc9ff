import Foundation
import GantryCore

/// Fiscal periods with their status and the close decision's inputs, for both databases.
enum LedgerPeriods {
    /// A company's periods from the masters, each open or closed as `closed` (period → when and by whom) says.
    static func statuses(_ masters: LedgerMasters, company: String, closed: [String: (at: Date, by: String)]) -> [FiscalPeriodStatus] {
        (masters.periods[company] ?? []).map { period in
            let close = closed[period.key]
            return FiscalPeriodStatus(
                company: company, period: period.key, start: period.start, end: period.end, fiscalYear: period.fiscalYear,
                closed: close != nil, closedAt: close?.at, closedBy: close?.by)
        }
    }

    /// A plant's sync position for `PeriodClose`, with the plant master's time zone when it has one.
    static func position(_ facts: PlantSyncFacts, masters: LedgerMasters) -> PeriodClose.PlantPosition {
        PeriodClose.PlantPosition(
            plant: facts.plant, lastSequence: facts.lastSequence, agentHead: facts.agentHead, lastSeenAt: facts.lastSeenAt,
            lastEventRecordedAt: facts.lastEventRecordedAt, timeZone: masters.timeZone(of: facts.plant, enrolled: facts.timeZone))
    }

    /// The audit entry of a close.
    static func audit(_ draft: AuditDraft, _ status: FiscalPeriodStatus) -> AuditDraft {
        var draft = draft
        draft.company = status.company
        draft.subject = "period \(status.company)/\(status.period)"
        draft.before = "open"
        draft.after = "closed"
        return draft
    }

    /// Held postings retried: which of `retried` posted (not in `stillHeld`).
    static func posted(_ retried: [(plant: String, sequence: Int64)], stillHeld: [HeldPosting]) -> [(plant: String, sequence: Int64)] {
        let held = Set(stillHeld.map { "\($0.plant)\u{1F}\($0.sequence)" })
        return retried.filter { !held.contains("\($0.plant)\u{1F}\($0.sequence)") }
    }
}
