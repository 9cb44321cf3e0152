import TrickLang
import XCTest

/// Every config snippet printed in the seed article parses and evaluates unchanged; the two
/// malformed ones are reported at the right place.
final class SeedSnippetTests: XCTestCase {
    func snippet(_ name: String) throws -> String { try FileIO.read(fixturePath("seed/" + name)) }

    func testWellFormedSnippetsEvaluate() throws {
        for name in ["1_paramwise.py", "2a_ohem_pixel.py", "3a_class_weight.py", "4_multiple_losses.py", "5_ignore_index.py"] {
            XCTAssertNoThrow(try runTrick(try snippet(name), name: name), name)
        }
    }

    func testSnippetValues() throws {
        let out = try runTrick(try snippet("1_paramwise.py") + "print(optimizer['paramwise_cfg']['custom_keys']['head'])\n")
        XCTAssertEqual(out, "{'lr_mult': 10.0}\n")
        let ohem = try runTrick(try snippet("2a_ohem_pixel.py") + "print(_base_, model['decode_head']['sampler'])\n")
        XCTAssertEqual(ohem, "./pspnet_r50-d8_512x1024_40k_cityscapes.py {'type': 'OHEMPixelSampler', 'thresh': 0.7, 'min_kept': 100000}\n")
        let cw = try runTrick(try snippet("3a_class_weight.py") + "print(len(model['decode_head']['loss_decode']['class_weight']))\n")
        XCTAssertEqual(cw, "19\n")
        let losses = try runTrick(try snippet("4_multiple_losses.py") + "print([d['loss_name'] for d in model['decode_head']['loss_decode']])\n")
        XCTAssertEqual(losses, "['loss_ce', 'loss_dice']\n")
    }

    func testPipelinesEvaluateOnceNormConfigExists() throws {
        let norm = "img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_rgb=True)\n"
        let train = try runTrick(norm + (try snippet("6a_train_pipeline.py")) + "print([t['type'] for t in train_pipeline])\n")
        XCTAssertEqual(train, "['LoadImageFromFile', 'LoadAnnotations', 'Resize', 'RandomFlip', 'Normalize', 'Pad', 'DefaultFormatBundle', 'Collect']\n")
        let test = try runTrick(norm + (try snippet("6b_test_pipeline.py")) + "print(test_pipeline[1]['img_scale'], len(test_pipeline[1]['transforms']))\n")
        XCTAssertEqual(test, "(1333, 800) 6\n")
    }

    func testFasterRCNNMissingCommaIsReportedAtBboxHead() throws {
        let text = try snippet("3b_faster_rcnn.py")
        let e = trickError(text)
        XCTAssertEqual(e?.phase, .syntax)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix("bbox_head=") }! + 1
        XCTAssertEqual(e?.location?.line, line)
        XCTAssertEqual(e?.location?.column, 1)
        XCTAssertTrue(e?.message.contains("missing ','") == true, e?.message ?? "")
        XCTAssertTrue(e?.message.contains("bbox_head") == true)
    }

    func testRcnnFragmentHasUnmatchedParenthesis() throws {
        let text = try snippet("2b_rcnn_fragment.py")
        let e = trickError(text)
        XCTAssertEqual(e?.phase, .syntax)
        XCTAssertTrue(e?.message.contains("unmatched ')'") == true, e?.message ?? "")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = lines.firstIndex { $0.hasPrefix("stage_loss_weights") }! + 1
        XCTAssertEqual(e?.location?.line, line)
        XCTAssertEqual(e?.location?.column, lines[line - 1].count)
    }
}
