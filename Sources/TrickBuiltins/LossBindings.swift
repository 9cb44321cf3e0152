import TrickCore
import TrickLang

/// Built-ins of this area (filled in by its issue).
enum LossBindings {
    static func register(_ lib: Library) {}
}
