import Foundation

/// A plant's purchase order line as the hub projects it from the plant's events, with its receipts.
public struct SupplierLineRecord: Sendable, Equatable {
    /// A receipt against the line (`StockMoved` of kind `receipt`).
    public struct Receipt: Sendable, Equatable {
        public var at: Date
        public var quantity: Quantity

        public init(at: Date, quantity: Quantity) {
            self.at = at
            self.quantity = quantity
        }
    }

    public var plant: String
    public var company: String
    /// The plant's time zone: due dates are the plant's calendar days.
    public var timeZone: String
    public var order: String
    public var line: Int
    public var supplier: String
    public var item: String
    public var quantity: Quantity
    /// The unit price the line was placed at, when it had one.
    public var price: Decimal?
    public var currency: String?
    public var orderedAt: Date
    /// `YYYY-MM-DD`: as ordered, or as the plant last rescheduled it.
    public var due: String?
    /// The supplier's first confirmation: when the plant recorded it, and what it confirmed.
    public var confirmedAt: Date?
    public var confirmedDue: String?
    public var confirmedQuantity: Quantity?
    /// Oldest first.
    public var receipts: [Receipt]
    /// Goods sent back against the line (`StockMoved` of kind `return`), oldest first: owed again.
    public var returns: [Receipt]

    public init(
        plant: String, company: String, timeZone: String, order: String, line: Int, supplier: String, item: String,
        quantity: Quantity, price: Decimal?, currency: String?, orderedAt: Date, due: String?, confirmedAt: Date?,
        confirmedDue: String?, confirmedQuantity: Quantity?, receipts: [Receipt], returns: [Receipt] = []
    ) {
        self.plant = plant
        self.company = company
        self.timeZone = timeZone
        self.order = order
        self.line = line
        self.supplier = supplier
        self.item = item
        self.quantity = quantity
        self.price = price
        self.currency = currency
        self.orderedAt = orderedAt
        self.due = due
        self.confirmedAt = confirmedAt
        self.confirmedDue = confirmedDue
        self.confirmedQuantity = confirmedQuantity
        self.receipts = receipts
        self.returns = returns
    }

    /// When the receipts less returns last reached the ordered quantity and stayed there; nil while the line is
    /// short. A return after the line was complete reopens it until the replacement comes.
    public var completedAt: Date? {
        let changes = (receipts.map { ($0.at, $0.quantity) } + returns.map { ($0.at, .zero - $0.quantity) }).enumerated()
            .sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
        var received = Quantity.zero, completed: Date?
        for (at, change) in changes {
            received += change
            if received < quantity {
                completed = nil
            } else if completed == nil {
                completed = at
            }
        }
        return completed
    }

    var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The start of `date` (`YYYY-MM-DD`) in the plant's time zone.
    func start(of date: String?) -> Date? {
        let parts = date?.split(separator: "-").compactMap { Int($0) } ?? []
        guard parts.count == 3 else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// Whole plant calendar days from `start` to `end` (negative when `end` is earlier).
    func days(from start: Date, to end: Date) -> Int {
        let calendar = calendar
        return calendar.dateComponents([.day], from: calendar.startOfDay(for: start), to: calendar.startOfDay(for: end)).day ?? 0
    }

    /// Whole days from the order date to the day the line was received in full.
    public var actualLeadTimeDays: Int? { completedAt.map { days(from: orderedAt, to: $0) } }
}

/// A nonconformance a plant opened against a supplier (`NonconformanceOpened` naming one).
public struct SupplierNonconformanceRecord: Sendable, Equatable {
    public var plant: String
    public var company: String
    public var supplier: String
    public var item: String
    public var quantity: Quantity
    public var openedAt: Date

    public init(plant: String, company: String, supplier: String, item: String, quantity: Quantity, openedAt: Date) {
        self.plant = plant
        self.company = company
        self.supplier = supplier
        self.item = item
        self.quantity = quantity
        self.openedAt = openedAt
    }
}

/// What the hub knows of its suppliers' deliveries across plants: the input of scorecards and anomaly flags.
public struct SupplierPerformance: Sendable, Equatable {
    public var lines: [SupplierLineRecord]
    public var nonconformances: [SupplierNonconformanceRecord]
    /// The master lead time in days per `COMPANY/SUPPLIER:ITEM`; company "" for a supplier item every company
    /// shares (a company's own record comes first).
    public var masterLeadTimes: [String: Int]

    public init(lines: [SupplierLineRecord], nonconformances: [SupplierNonconformanceRecord], masterLeadTimes: [String: Int] = [:]) {
        self.lines = lines
        self.nonconformances = nonconformances
        self.masterLeadTimes = masterLeadTimes
    }

    /// The key of `masterLeadTimes`.
    public static func leadTimeKey(company: String, supplier: String, item: String) -> String { "\(company)/\(supplier):\(item)" }
}
