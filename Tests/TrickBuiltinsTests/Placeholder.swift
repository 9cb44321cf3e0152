import XCTest
final class PlaceholderTrickBuiltinsTests: XCTestCase { func testNothing() {} }
