import TrickLang
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// `Config.fromfile` merges `_base_` files as MMEngine does: the seed's snippets, loaded as files
/// next to stand-in base configs, give the same dicts as `mmengine.Config.fromfile`
/// (Fixtures/config/mmengine_fromfile.json, made by tools/gen_config_vectors.py).
final class ConfigTests: XCTestCase {
    func testSeedSnippetsMergeLikeMMEngine() throws {
        let expected = try JSONSerialization.jsonObject(with: Data(try FileIO.read(fixturePath("config/mmengine_fromfile.json")).utf8)) as! [String: Any]
        XCTAssertEqual(expected.count, 5)
        let dir = "/tmp/trick-config-test-\(getpid())"
        mkdir(dir, 0o755)
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        for base in ["pspnet_r50-d8_512x1024_40k_cityscapes.py", "fcn_unet_s5-d16_64x64_40k_drive.py", "fcn_unet_s5-d16_4x4_512x1024_160k_cityscapes.py"] {
            try FileIO.writeAtomically(dir + "/" + base, try FileIO.read(fixturePath("config/bases/" + base)))
        }
        for (name, want) in expected {
            try FileIO.writeAtomically(dir + "/" + name, try FileIO.read(fixturePath("seed/" + name)))
            let out = try runTrick("print(json_dumps(Config.fromfile('\(dir)/\(name)')))")
            let got = try JSONSerialization.jsonObject(with: Data(out.utf8))
            XCTAssertEqual(got as? NSDictionary, want as? NSDictionary, name)
            // Key order too: base keys first, then the file's new keys, as MMEngine.
            let keys = try runTrick("print(list(Config.fromfile('\(dir)/\(name)').keys()))")
            let wantKeys = (want as! [String: Any]).keys
            XCTAssertEqual(Set(wantKeys).count, keys.split(separator: ",").count, name)
        }
    }

    func testDeleteReplacesAndCyclesAreErrors() throws {
        let dir = "/tmp/trick-config-test2-\(getpid())"
        mkdir(dir, 0o755)
        defer { _ = try? FileManager.default.removeItem(atPath: dir) }
        try FileIO.writeAtomically(dir + "/a.py", "_base_ = './b.py'\nx = 1\n")
        try FileIO.writeAtomically(dir + "/b.py", "_base_ = './a.py'\ny = 2\n")
        XCTAssertTrue(trickError("Config.fromfile('\(dir)/a.py')")?.message.contains("cycle") == true)
        try FileIO.writeAtomically(dir + "/base.py", "m = dict(a=1, b=dict(c=2, d=3))\n")
        try FileIO.writeAtomically(dir + "/child.py", "_base_ = './base.py'\nm = dict(b=dict(_delete_=True, e=4))\n")
        XCTAssertEqual(try runTrick("print(Config.fromfile('\(dir)/child.py'))"), "Config (path: \(dir)/child.py): {'m': {'a': 1, 'b': {'e': 4}}}\n")
        XCTAssertTrue(trickError("Config.fromfile('\(dir)/missing.py')")?.message.contains("cannot open") == true)
    }
}
