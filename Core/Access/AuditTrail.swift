import Foundation

/// One entry of the hub's audit trail: who changed what, when, from what to what. Entries form a hash
/// chain: each carries the hash of the one before, and its own hash covers all its fields, so an edited,
/// removed or inserted entry breaks the chain at that point (`gantry-hub audit verify`).
public struct AuditEntry: Sendable, Equatable, Codable {
    public var sequence: Int64
    /// When, as stored (RFC 3339 with microseconds).
    public var at: String
    /// The principal (`user:NAME`, `service:NAME`, `plant:ID`, `local:USER` for the command line, USER being the
    /// operating-system account of the process, never an environment variable).
    public var actor: String
    /// What happened, e.g. `master.changed`, `principal.added`, `token.revoked`.
    public var action: String
    /// What it happened to, e.g. `item ACME/BOLT-M8`, `principal alice`.
    public var subject: String
    /// The company the subject belongs to; nil for shared masters and hub-wide changes.
    public var company: String?
    /// Canonical JSON of the subject before and after the change; nil where it did not exist.
    public var before: String?
    public var after: String?
    public var previousHash: String
    public var hash: String

    public init(
        sequence: Int64, at: String, actor: String, action: String, subject: String, company: String?,
        before: String?, after: String?, previousHash: String, hash: String
    ) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.company = company
        self.before = before
        self.after = after
        self.previousHash = previousHash
        self.hash = hash
    }

    /// The previous hash of the first entry.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The text the entry's hash is taken over: canonical JSON of every field but the hash itself.
    public var chainText: String {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return JSONValue.object([
            "sequence": .string(String(sequence)), "at": .string(at), "actor": .string(actor),
            "action": .string(action), "subject": .string(subject), "company": optional(company),
            "before": optional(before), "after": optional(after), "previousHash": .string(previousHash),
        ]).canonicalText
    }
}

/// What an audit record is before the store numbers and chains it.
public struct AuditDraft: Sendable, Equatable {
    public var actor: String
    public var action: String
    public var subject: String
    public var company: String?
    public var before: String?
    public var after: String?

    public init(actor: String, action: String, subject: String, company: String?, before: String?, after: String?) {
        self.actor = actor
        self.action = action
        self.subject = subject
        self.company = company
        self.before = before
        self.after = after
    }

    /// The entry that follows `previous` (nil: the first), hashed with `hash`.
    public func entry(after previous: (sequence: Int64, hash: String)?, at: Date, hash: (String) -> String) -> AuditEntry {
        var entry = AuditEntry(
            sequence: (previous?.sequence ?? 0) + 1, at: Timestamp.format(at), actor: actor, action: action,
            subject: subject, company: company, before: before, after: after,
            previousHash: previous?.hash ?? AuditEntry.genesisHash, hash: "")
        entry.hash = hash(entry.chainText)
        return entry
    }
}

/// Walks the chain in order and reports the first link that does not hold.
public struct AuditChainVerifier: Sendable {
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public var sequence: Int64
        public var reason: String
        public var description: String { "the chain breaks at entry \(sequence): \(reason)" }
    }

    private let hash: @Sendable (String) -> String
    private var previous: (sequence: Int64, hash: String) = (0, AuditEntry.genesisHash)
    public private(set) var checked: Int64 = 0

    public init(hash: @escaping @Sendable (String) -> String) {
        self.hash = hash
    }

    /// Checks the next entry; the first break is final (later entries are not checked against it).
    public mutating func check(_ entry: AuditEntry) -> Break? {
        if entry.sequence != previous.sequence + 1 {
            return Break(sequence: previous.sequence + 1, reason: "entry \(previous.sequence + 1) is missing (next found: \(entry.sequence))")
        }
        if entry.previousHash != previous.hash {
            return Break(sequence: entry.sequence, reason: "it does not carry the hash of entry \(previous.sequence); an entry before it was changed or replaced")
        }
        if hash(entry.chainText) != entry.hash {
            return Break(sequence: entry.sequence, reason: "its content does not match its hash; the entry was edited")
        }
        previous = (entry.sequence, entry.hash)
        checked += 1
        return nil
    }
}
