extension PlantInstruction {
    /// Whether this instruction may be applied at `plant` after the instructions applied through `applied`: it must be
    /// the very next number, and meant for this plant. A gap or another plant's instruction is refused whole, so the
    /// plant applies nothing of that answer and asks again.
    public func checkApplicable(after applied: Int64, at plant: String) throws(ProductionRefusal) {
        guard sequence == applied + 1 else {
            throw ProductionRefusal(.invalid, "instruction \(sequence) does not follow \(applied): the hub's numbers have a gap")
        }
        guard self.plant == plant else {
            throw ProductionRefusal(.invalid, "instruction \(sequence) is for plant \(self.plant), not \(plant)")
        }
    }
}
