import Foundation

/// Work orders: material issued into WIP, output out of it at standard, and the close that empties it.
extension PostingLedger {
    func workInProgress(_ key: PlantWorkOrder, _ books: CompanyBooks) -> WorkInProgress {
        snapshot.workInProgress[key] ?? WorkInProgress(company: books.company)
    }

    private func workOrder(_ move: StockMoved, _ source: PostingSource) -> PlantWorkOrder? {
        guard let reference = move.reference, reference.kind == .workOrder else { return nil }
        return PlantWorkOrder(plant: source.plant, workOrder: reference.id)
    }

    /// Material issued to a work order leaves inventory at cost into its WIP: Dr WIP / Cr inventory. An issue to
    /// no work order is a count loss.
    mutating func postIssue(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard let key = workOrder(move, source) else { return try postAdjustment(move, books, gain: false) }
        let quantity = move.quantity.micro
        let value = try takeOut(move.item, quantity, books)
        try writeAtCost(.issueToProduction, books, value: value, creditItem: move.item, quantity: quantity)
        var wip = workInProgress(key, books)
        wip.value += value
        wip.issued[move.item, default: 0] += quantity
        try sweepIfClosed(&wip, books)
        setWorkInProgress(key, wip)
    }

    /// A work order's output enters at the item's standard cost (under moving average too, as its planned cost),
    /// taken from its WIP: Dr finished goods / Cr WIP. Output of no work order is a count gain.
    mutating func postOutput(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard let key = workOrder(move, source) else { return try postAdjustment(move, books, gain: true) }
        let quantity = move.quantity.micro
        let value = try value(quantity, at: try standardCost(move.item, books), books)
        try writeAtCost(.productionOutput, books, value: value, debitItem: move.item, quantity: quantity)
        try putIn(move.item, quantity, worth: value, books)
        var wip = workInProgress(key, books)
        wip.value -= value
        try sweepIfClosed(&wip, books)
        setWorkInProgress(key, wip)
    }

    /// A closed work order's WIP stays at 0: what a late issue or output moves goes straight to production variance.
    private mutating func sweepIfClosed(_ wip: inout WorkInProgress, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard wip.closed, wip.value != 0 else { return }
        try writeAtCost(.productionVariance, books, value: wip.value)
        wip.value = 0
    }

    /// Closing a work order: labour and overhead absorbed from its routing (Dr WIP), the material used over its bill
    /// of materials at standard (material usage variance), and whatever WIP still holds to production variance.
    /// WIP ends at exactly 0 and closed; a closed work order's completion posts nothing more.
    mutating func postCompletion(_ completed: WorkOrderCompleted, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        let key = PlantWorkOrder(plant: source.plant, workOrder: completed.workOrder)
        var wip = workInProgress(key, books)
        guard !wip.closed else { return }
        let plantItem = PlantItem(plant: source.plant, item: completed.item)
        wip.value += try absorbConversion(snapshot.routings[plantItem], good: completed.good, source, books)
        wip.value -= try postUsageVariance(snapshot.billsOfMaterials[plantItem], wip, good: completed.good, books)
        try writeAtCost(.productionVariance, books, value: wip.value)
        wip.value = 0
        wip.closed = true
        setWorkInProgress(key, wip)
    }

    /// (setup + run × good) minutes / 60 × (labour + overhead) per hour, per operation whose work centre has a rate,
    /// each line rounded: Dr WIP / Cr absorbed conversion. Returns the value absorbed (minor units).
    private mutating func absorbConversion(_ routing: RoutingDefined?, good: Quantity, _ source: PostingSource,
                                           _ books: CompanyBooks) throws(AccountingRefusal) -> Int64 {
        guard let routing else { return 0 }
        var absorbed: [(workCentre: String, value: Int64)] = []
        for operation in routing.operations.sorted(by: { $0.sequence < $1.sequence }) {
            guard let rate = snapshot.workCentreRates["\(source.plant).\(operation.workCentre)"], rate.active else { continue }
            for money in [rate.labourPerHour] + (rate.overheadPerHour.map { [$0] } ?? []) where money.currency != books.functionalCurrency {
                throw AccountingRefusal(.missingCost, "the work-centre-rate \(rate.key) is in \(money.currency.code), "
                    + "not the functional currency \(books.functionalCurrency.code) of \(books.company)")
            }
            let perHour = rate.labourPerHour.amount + (rate.overheadPerHour?.amount ?? 0)
            let minutes = operation.setupMinutes.decimal + operation.runMinutesPerUnit.decimal * good.decimal
            absorbed.append((operation.workCentre, try Self.minor(minutes / 60 * perHour, books.functionalCurrency)))
        }
        guard absorbed.contains(where: { $0.value != 0 }) else { return 0 }
        let pair = try accounts(.conversionAbsorption, books)
        var lines: [DraftLine] = []
        for operation in absorbed {
            lines.append(DraftLine(pair.debit, amount(operation.value, books), fixed: true))
            lines.append(DraftLine(pair.credit, -amount(operation.value, books), fixed: true))
        }
        try write(.conversionAbsorption, books, currency: books.functionalCurrency, rate: 1, lines)
        return absorbed.reduce(0) { $0 + $1.value }
    }

    /// Per component: (issued − quantity per unit × (1 + scrap % / 100) × good) × its standard cost, rounded per line:
    /// Dr material usage variance / Cr WIP. Returns the variance taken from WIP (minor units).
    private mutating func postUsageVariance(_ bom: BOMDefined?, _ wip: WorkInProgress, good: Quantity,
                                            _ books: CompanyBooks) throws(AccountingRefusal) -> Int64 {
        guard let bom else { return 0 }
        var variances: [(component: String, value: Int64)] = []
        for line in bom.lines {
            let planned = line.quantity.decimal * (1 + line.scrapPercent.decimal / 100) * good.decimal
            let over = Quantity(micro: wip.issued[line.component] ?? 0).decimal - planned
            guard !over.isZero else { continue }
            let value = try Self.minor(over * (try standardCost(line.component, books)), books.functionalCurrency)
            variances.append((line.component, value))
        }
        guard variances.contains(where: { $0.value != 0 }) else { return 0 }
        let pair = try accounts(.materialUsageVariance, books)
        var lines: [DraftLine] = []
        for variance in variances {
            lines.append(DraftLine(pair.debit, amount(variance.value, books), fixed: true, item: variance.component))
            lines.append(DraftLine(pair.credit, -amount(variance.value, books), fixed: true))
        }
        try write(.materialUsageVariance, books, currency: books.functionalCurrency, rate: 1, lines)
        return variances.reduce(0) { $0 + $1.value }
    }
}
