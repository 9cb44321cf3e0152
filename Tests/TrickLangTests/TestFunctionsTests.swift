import TrickLibrary
import TrickLang
import XCTest

/// `trick test`'s pytest-style runner: which tests pass, fail and are skipped, and why.
final class TestFunctionsTests: XCTestCase {
    func report(_ source: String) throws -> TestReport {
        let lib = Library()
        TrickLibrary.register(lib)
        let interp = Interpreter(library: lib)
        interp.output = { _ in }
        for st in try interp.compile(try Parser.parse(SourceFile(name: "<t>", text: source))) { _ = try st.execute() }
        return interp.runTestFunctions()
    }

    func testPassFailSkipAndParametrize() throws {
        let r = try report("""
        import pytest
        import unittest
        def test_ok():
            assert 1 + 1 == 2
        def test_fails():
            assert [1, 2] == [1, 3], 'lists differ'
        @pytest.mark.parametrize('x', [1, 2, 3])
        def test_small(x):
            assert x < 3
        def test_needs_fixture(tmp_path):
            pass
        def test_raises_wrong_type():
            with pytest.raises(KeyError):
                raise ValueError('no')
        def test_did_not_raise():
            with pytest.raises(KeyError):
                pass
        def helper():
            assert False
        class TestThing(unittest.TestCase):
            def setUp(self):
                self.n = 3
            def test_equal(self):
                self.assertEqual(self.n, 3)
            def test_not_equal(self):
                self.assertEqual(self.n, 4)
        """)
        XCTAssertEqual(r.passed, 4)   // test_ok, test_small[1], test_small[2], TestThing.test_equal
        XCTAssertEqual(r.failed.map(\.name), ["test_fails", "test_small[3]", "test_raises_wrong_type", "test_did_not_raise", "TestThing.test_not_equal"])
        XCTAssertEqual(r.failed[0].error.message, "AssertionError: lists differ")
        XCTAssertEqual(r.failed[3].error.message, "DID NOT RAISE KeyError")
        XCTAssertEqual(r.failed[4].error.message, "3 != 4")
        XCTAssertEqual(r.skipped.map(\.name), ["test_needs_fixture"])
    }

    func testUnittestSkipsAndPatchedMethods() throws {
        let r = try report("""
        import math
        import unittest
        from unittest.mock import patch
        @unittest.skipIf(True, 'whole class')
        class TestSkippedClass(unittest.TestCase):
            def setUp(self):
                raise RuntimeError('setUp must not run')
            def test_a(self):
                pass
        class TestSkips(unittest.TestCase):
            def setUp(self):
                self.log = ['setUp']
            @unittest.skip('always')
            def test_skip(self):
                pass
            @unittest.skipUnless(True, 'runs')
            def test_runs(self):
                self.assertEqual(self.log, ['setUp'])
            def test_skip_test(self):
                self.skipTest('asked')
            def test_raise_skip(self):
                raise unittest.SkipTest('raised')
            @unittest.expectedFailure
            def test_expected(self):
                self.assertEqual(1, 2)
            @unittest.expectedFailure
            def test_unexpected_success(self):
                pass
            @patch('math.floor', return_value=-1)
            def test_patched(self, floor):
                self.assertEqual(math.floor(2.5), -1)
                floor.assert_called_once_with(2.5)
                self.helper()
            @patch.object(math, 'ceil')
            def helper(self, ceil):
                ceil.return_value = 'c'
                self.assertEqual(math.ceil(0.5), 'c')
        """)
        XCTAssertEqual(r.passed, 2)   // test_runs, test_patched
        XCTAssertEqual(r.failed.map(\.name), ["TestSkips.test_unexpected_success"])
        XCTAssertEqual(r.skipped.map(\.name), ["TestSkippedClass.test_a", "TestSkips.test_skip", "TestSkips.test_skip_test",
                                               "TestSkips.test_raise_skip", "TestSkips.test_expected"])
        XCTAssertEqual(r.skipped.map(\.reason), ["whole class", "always", "asked", "raised", "expected failure: 1 != 2"])
        XCTAssertEqual(try runTrick("import math\nprint(math.floor(2.5), math.ceil(0.5))"), "2 1\n")
    }

    func testApprox() throws {
        XCTAssertEqual(try runTrick("import pytest\nprint(0.1 + 0.2 == pytest.approx(0.3), 1.0 == pytest.approx(1.1), [1.0, 2.0] == pytest.approx([1.0, 2.0000001]))"),
                       "True False True\n")
    }
}
