/// The test functions and classes of a file, run as pytest runs them: `test_*` functions (each
/// parameter set of a `@pytest.mark.parametrize` separately) and the `test*` methods of `Test*`
/// classes (a fresh instance each, `setUp`/`tearDown` around a unittest.TestCase method), in
/// definition order. A test passes when it returns, is skipped by `pytest.skip` (or when it
/// needs a fixture trick does not inject, or is deselected by id), and fails on any error, which
/// is kept with its place.
public struct TestReport {
    public var passed = 0
    public var failed: [(name: String, error: TrickError)] = []
    public var skipped: [(name: String, reason: String)] = []
    public var total: Int { passed + failed.count + skipped.count }
}

extension Interpreter {
    /// The reason a skipping error gives (pytest.skip's text, SkipTest's message).
    func skipReason(_ e: TrickError) -> String {
        let prefix = e.kind + ": "
        return e.message.hasPrefix(prefix) ? String(e.message.dropFirst(prefix.count)) : e.message
    }

    /// `deselect`: test ids left out, as pytest's `--deselect` (`test_f`, `test_f[case]`,
    /// `TestC.test_m`); a name without a case covers all its cases.
    public func runTestFunctions(deselect: [String] = []) -> TestReport {
        var report = TestReport()
        func isDeselected(_ name: String) -> Bool {
            deselect.contains { $0 == name || name.hasPrefix($0 + "[") }
        }
        func run(_ name: String, _ f: Value, _ args: Arguments) {
            if isDeselected(name) {
                report.skipped.append((name, "deselected"))
                return
            }
            do {
                _ = try call(f, args)
                report.passed += 1
            } catch var e as TrickError {
                // (the runner's own call has no place in the file)
                e.traceback.removeAll { $0.location.line == 0 }
                if Unittest.isSkip(e.kind) { report.skipped.append((name, skipReason(e))) } else { report.failed.append((name, e)) }
            } catch {
                report.failed.append((name, locate(error, SourceFile(name: "<test>", text: ""), SourceLocation(line: 0, column: 0))))
            }
        }
        func needsFixtures(_ f: Value, supplied: Set<String>) -> [String] {
            guard case .function(let fn) = f else { return [] }
            let params = fn.code.params.positional
            return params.enumerated().compactMap { i, p in
                (p.defaultValue == nil && !supplied.contains(p.name)) ? p.name : nil
            }
        }
        func runFunction(_ name: String, _ v: Value, receiver: Value? = nil) {
            let lead = receiver.map { [$0] } ?? []
            if case .object(let o) = v, let p = o.payload as? Pytest.Parametrized {
                let prefix = name.lastIndex(of: ".").map { String(name[...$0]) } ?? ""
                for c in p.positional { run(prefix + c.id, p.function, Arguments(lead + c.args, keywords: c.kwargs)) }
                for (i, c) in p.cases.enumerated() {
                    let id = c.map { Printer.repr($0.1) }.joined(separator: "-")
                    run("\(name)[\(id.isEmpty ? String(i) : id)]", p.function, Arguments(lead, keywords: c))
                }
                return
            }
            var missing = needsFixtures(v, supplied: [])
            if receiver != nil, !missing.isEmpty { missing.removeFirst() }
            if !missing.isEmpty {
                report.skipped.append((name, "needs fixture\(missing.count == 1 ? "" : "s") \(missing.map { "'\($0)'" }.joined(separator: ", ")) (trick does not inject fixtures)"))
                return
            }
            run(name, v, Arguments(lead))
        }
        for (name, v) in userGlobals {
            if name.hasPrefix("test") {
                switch v {
                case .function: runFunction(name, v)
                case .object(let o) where o.payload is Pytest.Parametrized: runFunction(name, v)
                case .object(let o) where o.payload is MethodWrapper: runFunction(name, v)   // @unittest.skip…, @patch(…)
                case .builtin(let b) where b.name == "skipped": run(name, v, Arguments())  // @pytest.mark.skip / skipif
                default: break
                }
            } else if name.hasPrefix("Test"), case .object(let c) = v, let info = c.payload as? ClassInfo {
                // the class's one-time setup (pytest's setup_class, unittest's setUpClass); when it
                // fails, every test of the class fails with its error
                var classError: TrickError?
                if let why = Unittest.classSkipReason(info) {
                    // @unittest.skip… on the class: its tests (and its class set-up) do not run
                    var seen = Set<String>()
                    for m in info.mro.flatMap(\.order) where m.hasPrefix("test") && seen.insert(m).inserted {
                        report.skipped.append(("\(name).\(m)", isDeselected("\(name).\(m)") ? "deselected" : why))
                    }
                    continue
                }
                for hook in ["setup_class", "setUpClass"] where info.lookup(hook) != nil {
                    // pytest calls a plain `def setup_class(cls)` with the class (its `cls.x = …` are class attributes)
                    let plain: Value? = { if case .function(let f)? = info.lookup(hook), f.code.positionalCount > 0 { return info.lookup(hook) }; return nil }()
                    do { _ = try plain.map { try call($0, Arguments([.object(c)])) } ?? call(try getAttribute(.object(c), hook), Arguments()) } catch {
                        classError = locate(error, SourceFile(name: "<test>", text: ""), SourceLocation(line: 0, column: 0))
                    }
                }
                var seen = Set<String>()  // a method overridden in a subclass runs once
                for m in info.mro.flatMap(\.order) where m.hasPrefix("test") && seen.insert(m).inserted {
                    if let classError, !isDeselected("\(name).\(m)") { report.failed.append(("\(name).\(m)", classError)); continue }
                    guard let method = info.lookup(m) else { continue }
                    let instance: Value
                    do {
                        instance = try instantiate(info, Arguments())
                        try setAttribute(instance, "_testMethodName", .str(m))   // as TestCase(methodName) keeps it
                    } catch {
                        report.failed.append(("\(name).\(m)", locate(error, SourceFile(name: "<test>", text: ""), SourceLocation(line: 0, column: 0))))
                        continue
                    }
                    let id = "\(name).\(m)"
                    if isDeselected(id) { report.skipped.append((id, "deselected")); continue }
                    if let why = Unittest.skipReason(method) { report.skipped.append((id, why)); continue }
                    // a failing setUp fails the test, which then does not run (unittest's order);
                    // one that raises SkipTest skips it
                    let failedBefore = report.failed.count, skippedBefore = report.skipped.count
                    if let setUp = info.lookup("setUp"), case .function = setUp { run(id, setUp, Arguments([instance])); report.passed -= 1 }
                    if report.failed.count > failedBefore || report.skipped.count > skippedBefore { report.passed += 1; continue }
                    runFunction(id, method, receiver: instance)
                    if let tearDown = info.lookup("tearDown"), case .function = tearDown { run("\(name).tearDown", tearDown, Arguments([instance])); report.passed -= 1 }
                }
            }
        }
        return report
    }
}
