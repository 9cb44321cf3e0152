#!/usr/bin/env python3
"""The Jupyter kernel and `trick convert`, driven by Jupyter's own client libraries.

Usage: kernel_test.py TRICK_BINARY   (run by `make kernel-test` in the virtualenv it makes)

- the kernelspec installs with --prefix and `jupyter kernelspec list` shows it;
- a kernel started through that kernelspec (jupyter_client) answers kernel_info, execute
  (stream, result, error with trick's caret report), complete, inspect, is_complete, history,
  display of a chart as SVG, an interrupt of `while True: pass` (the kernel lives on) and shutdown;
- every recipe in examples/ converted to .ipynb and executed by nbclient with the trick kernel
  gives the recipe's `#>` lines, and converts back to the very same .trick file;
- .trick -> .ipynb -> .trick is the identity on every notebook in examples/ and Tests/golden/.
"""
import glob
import base64
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRICK = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/trick"))
VENV_BIN = os.path.dirname(sys.executable)

# Recipes too slow for the debug build `make test` uses (06: ~25 s of image resizing without -O);
# KERNEL_TEST_ALL=1 runs them through nbclient as well.
SLOW_RECIPES = {"06_multiscale"}

passed = 0
failed = 0
skipped = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def trick(*args, **kw):
    return subprocess.run([TRICK, *args], capture_output=True, text=True, **kw)


def iopub_until_idle(kc, msg_id, timeout=20):
    """The iopub messages caused by one request, up to its idle status."""
    msgs = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            break
    return msgs


def run(kc, code, timeout=20):
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=timeout)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=timeout)
    return reply, iopub_until_idle(kc, msg_id, timeout)


def of_type(msgs, t):
    return [m for m in msgs if m["msg_type"] == t]


def test_kernelspec(prefix):
    r = trick("kernel", "install", "--prefix", prefix)
    check("kernel install exits 0", r.returncode == 0, r.stderr)
    spec_dir = os.path.join(prefix, "share", "jupyter", "kernels", "trick")
    with open(os.path.join(spec_dir, "kernel.json")) as f:
        spec = json.load(f)
    check("kernel.json argv", [os.path.realpath(spec["argv"][0])] + spec["argv"][1:] ==
          [os.path.realpath(TRICK), "kernel", "-f", "{connection_file}"], spec["argv"])
    check("kernel.json interrupt_mode", spec.get("interrupt_mode") == "signal")
    for logo in ["logo-32x32.png", "logo-64x64.png"]:
        with open(os.path.join(spec_dir, logo), "rb") as f:
            check(f"{logo} is a PNG", f.read(8) == b"\x89PNG\r\n\x1a\n")
    env = dict(os.environ, JUPYTER_PATH=os.path.join(prefix, "share", "jupyter"))
    out = subprocess.run([os.path.join(VENV_BIN, "jupyter"), "kernelspec", "list", "--json"],
                         capture_output=True, text=True, env=env)
    specs = json.loads(out.stdout).get("kernelspecs", {}) if out.returncode == 0 else {}
    check("jupyter kernelspec list shows trick", "trick" in specs and
          os.path.realpath(specs["trick"]["resource_dir"]) == os.path.realpath(spec_dir), out.stdout + out.stderr)
    # A --prefix and --user together are refused.
    r = trick("kernel", "install", "--user", "--prefix", prefix)
    check("--user with --prefix is bad usage", r.returncode == 2, r.stderr)


def test_kernel(prefix):
    from jupyter_client.manager import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager

    ksm = KernelSpecManager()
    ksm.kernel_dirs = [os.path.join(prefix, "share", "jupyter", "kernels")]
    km = KernelManager(kernel_name="trick", kernel_spec_manager=ksm)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)

        msg_id = kc.kernel_info()
        info = kc.get_shell_msg(timeout=10)
        check("kernel_info_reply", info["msg_type"] == "kernel_info_reply" and
              info["content"]["protocol_version"] == "5.3" and
              info["content"]["language_info"]["file_extension"] == ".trick", info["content"])
        check("replies are signed", info["header"]["session"] and len(km.session.key) > 0)
        # A request signed with another key is dropped: no reply (read off a raw socket, so the
        # client's own signature check cannot be what hides one); the same request signed with
        # the connection's key is answered.
        import zmq
        from jupyter_client.session import Session
        conn = km.get_connection_info()
        for key, answered in [(b"not-the-key", False), (km.session.key, True)]:
            raw = zmq.Context.instance().socket(zmq.DEALER)
            raw.linger = 0
            raw.connect(f"{conn['transport']}://{conn['ip']}:{conn['shell_port']}")
            Session(key=key).send(raw, "kernel_info_request", {})
            got = bool(raw.poll(1500 if answered else 500))
            check(f"a request signed with {'the' if answered else 'a wrong'} key is {'' if answered else 'not '}answered",
                  got == answered)
            raw.close()

        reply, msgs = run(kc, "x = 1 + 2\nprint('hello', x)\nx * 10")
        check("execute reply ok", reply["content"]["status"] == "ok" and reply["content"]["execution_count"] == 1,
              reply["content"])
        states = [m["content"]["execution_state"] for m in of_type(msgs, "status")]
        check("busy then idle", states[:1] == ["busy"] and states[-1:] == ["idle"], states)
        check("execute_input", [m["content"]["code"] for m in of_type(msgs, "execute_input")] == ["x = 1 + 2\nprint('hello', x)\nx * 10"])
        streams = of_type(msgs, "stream")
        check("stream stdout", "".join(m["content"]["text"] for m in streams) == "hello 3\n" and
              all(m["content"]["name"] == "stdout" for m in streams), [m["content"] for m in streams])
        results = of_type(msgs, "execute_result")
        check("execute_result text/plain", [r["content"]["data"]["text/plain"] for r in results] == ["30"] and
              results[0]["content"]["execution_count"] == 1, [r["content"] for r in results])

        reply, msgs = run(kc, "y = [1, 2, 3]\ny[5] + undefined_thing")
        errors = of_type(msgs, "error")
        check("error reply", reply["content"]["status"] == "error" and reply["content"]["execution_count"] == 2,
              reply["content"])
        tb = "\n".join(errors[0]["content"]["traceback"]) if errors else ""
        check("error with the caret report", len(errors) == 1 and "^" in tb and "y[5] + undefined_thing" in tb and
              "In [2]:2:" in tb.replace("\x1b[1m", "").replace("\x1b[0m", ""), tb)
        check("error name", errors and errors[0]["content"]["ename"] == "IndexError", errors and errors[0]["content"])

        kc.complete("soft_nm", 7)
        c = kc.get_shell_msg(timeout=10)["content"]
        check("complete soft_nm", "soft_nms" in c["matches"] and c["cursor_start"] == 0 and c["cursor_end"] == 7, c)
        code = "dets, inds = soft_nms(boxes, scores, iou_thr"
        kc.complete(code, len(code))
        c = kc.get_shell_msg(timeout=10)["content"]
        check("complete a keyword argument", "iou_threshold=" in c["matches"] and c["cursor_start"] == len(code) - 7, c)
        kc.complete("loss = dict(type='CrossEnt", 26)
        c = kc.get_shell_msg(timeout=10)["content"]
        check("complete type='...'", any(m.startswith("CrossEntropyLoss") for m in c["matches"]), c)

        kc.inspect("soft_nms", 8)
        c = kc.get_shell_msg(timeout=10)["content"]
        check("inspect soft_nms", c["found"] and "soft_nms(" in c["data"]["text/plain"], c)
        kc.inspect("soft_nms(boxes, ", 16)
        c = kc.get_shell_msg(timeout=10)["content"]
        check("inspect inside a call", c["found"] and "soft_nms(" in c["data"]["text/plain"], c)
        kc.inspect("no_such_name_here", 5)
        c = kc.get_shell_msg(timeout=10)["content"]
        check("inspect an unknown name", c["status"] == "ok" and not c["found"], c)

        for code, status, indent in [("for i in range(3):", "incomplete", "    "),
                                     ("for i in range(3):\n    print(i)", "incomplete", "    "),
                                     ("for i in range(3):\n    print(i)\n", "complete", None),
                                     ("def f(x):\n    if x:\n        return 1", "incomplete", "    "),
                                     ("x = (1,", "incomplete", ""),
                                     ("x = 1", "complete", None),
                                     ("x = )", "invalid", None)]:
            kc.is_complete(code)
            c = kc.get_shell_msg(timeout=10)["content"]
            check(f"is_complete {code!r}", c["status"] == status and (indent is None or c.get("indent") == indent), c)

        kc.history(hist_access_type="tail", n=10, output=False, raw=True)
        c = kc.get_shell_msg(timeout=10)["content"]
        check("history", [h[2] for h in c["history"]][:1] == ["x = 1 + 2\nprint('hello', x)\nx * 10"] and
              c["history"][0][1] == 1 and len(c["history"]) == 2, c)

        reply, msgs = run(kc, "[dict(lr=0.1, params=['a.weight']), dict(lr=0.01, params=['b<c'], decay_mult=0.0)]")
        data = of_type(msgs, "execute_result")[0]["content"]["data"] if of_type(msgs, "execute_result") else {}
        html = data.get("text/html", "")
        check("a list of dicts is also an HTML table", html.startswith("<table>") and html.count("<tr>") == 3 and
              "<th>decay_mult</th>" in html and "b&lt;c" in html and data.get("text/plain", "").startswith("[{'lr': 0.1"), data)

        reply, msgs = run(kc, "Out[1] + _1, In[1].startswith('x = 1 + 2'), __ == 30")
        check("In, Out, _n and __ as IPython's", [m["content"]["data"]["text/plain"] for m in of_type(msgs, "execute_result")]
              == ["(60, True, True)"], [m["content"] for m in msgs])

        reply, msgs = run(kc, "%who")
        out = "".join(m["content"]["text"] for m in of_type(msgs, "stream") if m["content"]["name"] == "stdout")
        check("%who (the REPL's magics)", reply["content"]["status"] == "ok" and out.split() == ["x", "y"], out)
        reply, msgs = run(kc, "%whos")
        shown = of_type(msgs, "display_data")
        data = shown[0]["content"]["data"] if shown else {}
        check("%whos as text and an HTML table", data.get("text/plain", "").startswith("Variable") and
              "<td>x</td><td>int</td><td>3</td>" in data.get("text/html", "") and "<td>list</td>" in data.get("text/html", ""),
              data)
        reply, msgs = run(kc, "%no_such_magic")
        err = "".join(m["content"]["text"] for m in of_type(msgs, "stream") if m["content"]["name"] == "stderr")
        check("a magic's error is a stderr stream", "unknown magic '%no_such_magic'" in err, msgs)

        reply, msgs = run(kc, "display(chart([1.0, 0.5, 0.25], title='lr'))")
        shown = of_type(msgs, "display_data")
        svg = shown[0]["content"]["data"].get("image/svg+xml", "") if shown else ""
        check("display a chart as image/svg+xml", svg.lstrip().startswith("<svg") and
              "text/plain" in shown[0]["content"]["data"], shown and shown[0]["content"])

        reply, msgs = run(kc, "imshow(draw_bboxes(blank_image(24, 32), tensor([[4., 4., 20., 16.]])))")
        shown = of_type(msgs, "display_data")
        png = shown[0]["content"]["data"].get("image/png", "") if shown else ""
        raw = base64.b64decode(png) if png else b""
        check("imshow shows a picture inline as image/png", raw[:8] == b"\x89PNG\r\n\x1a\n" and
              int.from_bytes(raw[16:20], "big") == 32 and int.from_bytes(raw[20:24], "big") == 24, shown and shown[0]["content"])

        # Ctrl-C semantics: the loop stops with a KeyboardInterrupt, names defined before survive.
        msg_id = kc.execute("z = 5\nwhile True: pass")
        deadline = time.time() + 10
        while time.time() < deadline:
            m = kc.get_iopub_msg(timeout=10)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                break
        time.sleep(0.3)
        # The heartbeat answers on its own thread while the cell runs.
        import zmq
        info = km.get_connection_info()
        hb = zmq.Context.instance().socket(zmq.REQ)
        hb.linger = 0
        hb.connect(f"{info['transport']}://{info['ip']}:{info['hb_port']}")
        hb.send(b"ping")
        check("heartbeat while busy", hb.poll(2000) and hb.recv() == b"ping")
        hb.close()
        # SIGINT (interrupt_mode: signal), repeated until the cell answers (a loaded machine may be
        # slow to start it; an interrupt while idle is ignored).
        reply = None
        for _ in range(30):
            km.interrupt_kernel()
            try:
                reply = kc.get_shell_msg(timeout=0.5)
                break
            except queue.Empty:
                pass
        check("interrupt ends the loop", reply is not None and reply["content"]["status"] == "error" and
              reply["content"]["ename"] == "KeyboardInterrupt", reply and reply["content"])
        iopub_until_idle(kc, msg_id)
        reply, msgs = run(kc, "z + 1")
        check("the kernel lives on after an interrupt", reply["content"]["status"] == "ok" and
              [m["content"]["data"]["text/plain"] for m in of_type(msgs, "execute_result")] == ["6"])
        km.interrupt_kernel()
        time.sleep(0.2)
        reply, msgs = run(kc, "z")
        check("an interrupt while idle is ignored", km.is_alive() and reply["content"]["status"] == "ok")
        reply, msgs = run(kc, "secret = 41 + 1")
        msg_id = kc.execute("secret", silent=True)
        reply = kc.get_shell_msg(timeout=10)
        quiet = iopub_until_idle(kc, msg_id)
        check("a silent execute publishes no result", reply["content"]["status"] == "ok" and
              not of_type(quiet, "execute_result") and not of_type(quiet, "execute_input"), quiet)

        # interrupt_request on the control channel (interrupt_mode: message) while a cell runs.
        msg_id = kc.execute("while True: pass")
        time.sleep(0.5)
        kc.control_channel.send(kc.session.msg("interrupt_request", {}))
        rep = kc.control_channel.get_msg(timeout=10)
        reply = kc.get_shell_msg(timeout=10)
        check("interrupt_request while busy", rep["msg_type"] == "interrupt_reply" and
              reply["content"].get("ename") == "KeyboardInterrupt", (rep, reply["content"]))
        iopub_until_idle(kc, msg_id)

        # A shutdown while a cell runs stops the cell and the kernel.
        kc.execute("while True: pass")
        time.sleep(0.5)
        msg_id = kc.shutdown()
        rep = kc.control_channel.get_msg(timeout=10)
        check("shutdown_reply", rep["msg_type"] == "shutdown_reply" and rep["content"]["status"] == "ok", rep)
        deadline = time.time() + 10
        while km.is_alive() and time.time() < deadline:
            time.sleep(0.05)
        check("the kernel exits after shutdown", not km.is_alive())
    finally:
        kc.stop_channels()
        if km.is_alive():
            km.shutdown_kernel(now=True)
        km.cleanup_resources()


def cells_outputs_text(nb):
    """Per code cell, the text its outputs show as `#>` lines."""
    out = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = ""
        for o in cell.outputs:
            if o.output_type == "stream":
                text += o.text
            elif o.output_type in ("execute_result", "display_data"):
                t = o.data.get("text/plain", "")
                text += t if t.endswith("\n") else t + "\n"
            elif o.output_type == "error":
                text += "error: " + o.evalue + "\n"
        out.append(text)
    return out


def test_recipes(prefix, tmp):
    import nbformat
    from nbclient import NotebookClient
    from jupyter_client.kernelspec import KernelSpecManager

    ksm = KernelSpecManager()
    ksm.kernel_dirs = [os.path.join(prefix, "share", "jupyter", "kernels")]
    global skipped
    for recipe in sorted(glob.glob(os.path.join(ROOT, "examples", "*.trick"))):
        name = os.path.basename(recipe)[:-6]
        if name in SLOW_RECIPES and not os.environ.get("KERNEL_TEST_ALL"):
            print(f"skipped {name} under nbclient (slow in a debug build; KERNEL_TEST_ALL=1 runs it)")
            skipped += 1
            continue
        ipynb = os.path.join(tmp, name + ".ipynb")
        r = trick("convert", recipe, "--to", "ipynb", "-o", ipynb)
        check(f"convert {name}", r.returncode == 0, r.stderr)
        golden = nbformat.read(ipynb, as_version=4)
        nbformat.validate(golden)
        nb = nbformat.read(ipynb, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        client = NotebookClient(nb, kernel_name="trick", kernel_manager_class="jupyter_client.manager.KernelManager",
                                timeout=120, resources={"metadata": {"path": os.path.join(ROOT, "examples")}})   # Jupyter runs a notebook in its folder
        client.kernel_spec_manager = ksm
        client.km = client.create_kernel_manager()
        client.km.kernel_spec_manager = ksm
        client.execute()
        got, want = cells_outputs_text(nb), cells_outputs_text(golden)
        bad = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
        check(f"nbclient runs {name} to its #> lines", len(got) == len(want) and not bad,
              bad and f"code cell {bad[0]}:\n--- want\n{want[bad[0]]}--- got\n{got[bad[0]]}")
        executed = os.path.join(tmp, name + ".executed.ipynb")
        nbformat.write(nb, executed)
        back = os.path.join(tmp, name + ".back.trick")
        r = trick("convert", executed, "--to", "trick", "-o", back)
        with open(recipe) as f, open(back) as g:
            check(f"{name}: executed .ipynb converts back to the same .trick", r.returncode == 0 and f.read() == g.read(),
                  r.stderr)


def test_round_trips(tmp):
    files = sorted(glob.glob(os.path.join(ROOT, "examples", "*.trick")) + glob.glob(os.path.join(ROOT, "Tests", "golden", "*.trick")))
    # Corner cases: text before the first marker, `# %%` markers, Markdown with a blank line and
    # `#x`, two blank lines between cells, `#>` lines at the top of a cell and after a block.
    corners = os.path.join(tmp, "corners.trick")
    with open(corners, "w") as f:
        f.write("# prose before any cell\n# more\nx = 1\n\n# %% A title\n#> stale\ny = 2\n\n\n#%% [markdown]\n# Title\n\n"
                "# after a blank\n#no space\n\n#%%\nfor i in range(2):\n    print(i)\n#> 0\n#> 1\n#>\nx\n#> 1\n")
    files.append(corners)
    for path in files:
        name = os.path.basename(path)[:-6]
        a = os.path.join(tmp, name + ".rt.ipynb")
        b = os.path.join(tmp, name + ".rt.trick")
        r1 = trick("convert", path, "--to", "ipynb", "-o", a)
        r2 = trick("convert", a, "--to", "trick", "-o", b)
        ok = r1.returncode == 0 and r2.returncode == 0
        with open(path) as f, open(b) as g:
            check(f"round trip {name}", ok and f.read() == g.read(), r1.stderr + r2.stderr)
    # --execute stores real outputs: a stream, a result with its count, the chart as SVG.
    src = os.path.join(tmp, "exec.trick")
    with open(src, "w") as f:
        f.write("#%% [markdown]\n# A chart\n\n#%%\nprint('a')\n1 + 1\ndisplay(chart([3, 2, 1]))\n")
    out = os.path.join(tmp, "exec.ipynb")
    r = trick("convert", src, "--to", "ipynb", "--execute", "-o", out)
    nb = json.load(open(out)) if r.returncode == 0 else {"cells": [{}, {}]}
    outs = nb["cells"][1].get("outputs", [])
    check("--execute outputs", [o["output_type"] for o in outs] == ["stream", "execute_result", "display_data"] and
          "".join(outs[1]["data"]["text/plain"]) == "2" and outs[1]["execution_count"] == 1 and
          "".join(outs[2]["data"]["image/svg+xml"]).startswith("<svg"), r.stderr + json.dumps(outs)[:500])
    # A notebook made in Jupyter (no trick metadata): outputs go under the cell, or under each
    # statement with --execute; a picture without text/plain leaves no #> line.
    import nbformat
    from nbformat.v4 import new_notebook, new_code_cell, new_markdown_cell, new_output
    made = new_notebook(cells=[
        new_markdown_cell("# Title\n\nSome *prose*."),
        new_code_cell("a = 2\nprint(a)\na * 21", outputs=[
            new_output("stream", name="stdout", text="2\n"),
            new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
            new_output("display_data", data={"image/png": "iVBORw0KGgo="})]),
        new_code_cell("a[0]", outputs=[new_output("error", ename="TypeError", evalue="'int' object is not subscriptable",
                                                  traceback=[])]),
    ])
    made_path = os.path.join(tmp, "made.ipynb")
    nbformat.write(made, made_path)
    r = trick("convert", made_path, "--to", "trick", "-o", "-")
    check("a Jupyter notebook to .trick", r.returncode == 0 and r.stdout ==
          "#%% [markdown]\n# # Title\n#\n# Some *prose*.\n\n#%%\na = 2\nprint(a)\na * 21\n#> 2\n#> 42\n\n"
          "#%%\na[0]\n#> error: 'int' object is not subscriptable\n", r.stdout + r.stderr)
    r = trick("convert", made_path, "--to", "trick", "--execute", "-o", "-")
    check("a Jupyter notebook to .trick --execute", r.returncode == 0 and
          "a = 2\nprint(a)\n#> 2\na * 21\n#> 42\n" in r.stdout and "a[0]\n#> error: " in r.stdout, r.stdout + r.stderr)

    back = os.path.join(tmp, "exec.back.trick")
    trick("convert", out, "--to", "trick", "-o", back)
    with open(back) as f:
        text = f.read()
    check("--execute outputs as #> lines",
          text == "#%% [markdown]\n# A chart\n\n#%%\nprint('a')\n#> a\n1 + 1\n#> 2\ndisplay(chart([3, 2, 1]))\n"
                  "#> <Chart: 1 series, 3 points, 640x320>\n", text)


def main():
    tmp = tempfile.mkdtemp(prefix="trick-kernel-test-")
    prefix = os.path.join(tmp, "prefix")
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    try:
        for test in [test_kernelspec, test_kernel, test_round_trips, test_recipes]:
            t0 = time.time()
            test(*([prefix] if test in (test_kernelspec, test_kernel) else [tmp] if test is test_round_trips else [prefix, tmp]))
            print(f"{test.__name__}: {time.time() - t0:.1f} s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"kernel: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
