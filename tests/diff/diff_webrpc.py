#!/usr/bin/env python3
"""Differential test: `netdx log xmlrpc|jsonrpc` against tshark 4.0's HTTP and
Python's own XML-RPC and JSON readers.

tshark 4.0 has no XML-RPC or JSON-RPC dissector (only generic `xml` and
`json`), so the reference is built from two independent readers: tshark's
HTTP reassembly gives each request body and its response's (`http.file_data`,
paired by `http.request_in`), and Python's standard library reads them
(`xmlrpc.client.loads`, which raises Fault for a <fault>, and `json.loads`;
JSON-RPC calls paired with replies by id). Compared as multisets over each
capture: per call, the kind, method, outcome (result / fault / no reply for
a notification), fault code and fault string. Fails on any difference or when
nothing is compared. Usage: diff_webrpc.py [-v] [FILE...] (default: the
webrpc* captures).
"""
import collections
import json
import subprocess
import sys
import xmlrpc.client

from diff_common import diff_args, netdx_binary, project_captures, require_tshark


def tshark_text(s):
    """tshark's escaped field text (\\n, \\", \\xNN) back to the body's bytes."""
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape").encode("latin-1").decode("utf-8", "replace")


def bodies(path):
    """(request content type, request body, response body or None) per HTTP transaction."""
    out = subprocess.run(
        ["tshark", "-r", path, "-Y", "http", "-T", "fields", "-E", "separator=\t", "-e", "frame.number",
         "-e", "http.request", "-e", "http.request_in", "-e", "http.content_type", "-e", "http.file_data"],
        capture_output=True, text=True, check=True).stdout
    requests, responses = {}, {}
    for line in out.splitlines():
        frame, is_req, req_in, ctype, data = (line.split("\t") + [""] * 5)[:5]
        if is_req:
            requests[frame] = (ctype, tshark_text(data))
        elif req_in:
            responses[req_in] = tshark_text(data)
    return [(ct, body, responses.get(f)) for f, (ct, body) in requests.items()]


def xml_calls(req, resp):
    try:
        _, method = xmlrpc.client.loads(req)
    except Exception:
        return []
    if method is None:
        return []
    if resp is None:
        return [("xmlrpc", method, "unanswered", None, None)]
    try:
        xmlrpc.client.loads(resp)
    except xmlrpc.client.Fault as f:
        return [("xmlrpc", method, "fault", str(f.faultCode), f.faultString)]
    return [("xmlrpc", method, "result", None, None)]


def json_calls(req, resp):
    try:
        calls = json.loads(req)
    except ValueError:
        return []
    calls = calls if isinstance(calls, list) else [calls]
    replies = []
    if resp:
        r = json.loads(resp)
        replies = r if isinstance(r, list) else [r]
    by_id = {json.dumps(r.get("id")): r for r in replies if isinstance(r, dict)}
    out = []
    for c in calls:
        if not isinstance(c, dict) or not isinstance(c.get("method"), str):
            continue
        if "id" not in c or c["id"] is None:
            out.append(("jsonrpc", c["method"], "no_reply", None, None))
            continue
        r = by_id.get(json.dumps(c["id"]))
        if r is None and len(calls) == 1 and len(replies) == 1:
            r = replies[0]
        if r is None:
            out.append(("jsonrpc", c["method"], "no_reply" if replies else "unanswered", None, None))
        elif r.get("error") is not None:
            e = r["error"]
            out.append(("jsonrpc", c["method"], "fault", str(e.get("code")), e.get("message")))
        else:
            out.append(("jsonrpc", c["method"], "result", None, None))
    return out


def reference(path):
    calls = collections.Counter()
    for ctype, req, resp in bodies(path):
        media = ctype.split(";")[0].strip().lower()
        if media in ("text/xml", "application/xml"):
            calls.update(xml_calls(req, resp))
        elif media in ("application/json", "application/json-rpc", "application/jsonrequest"):
            calls.update(json_calls(req, resp))
    return calls


def unescape(s):
    """netdx's escaping (\\\\ and \\xHH) back to text."""
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape") if s and "\\" in s else s


def ours(path):
    calls = collections.Counter()
    for kind in ("xmlrpc", "jsonrpc"):
        out = subprocess.run([netdx_binary(), "log", kind, "-T", "json", "-r", path],
                             capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            r = json.loads(line)
            fault = r["outcome"] == "fault"
            calls[(kind, unescape(r.get("method")), r["outcome"], r.get("fault_code") if fault else None,
                   unescape(r.get("fault_string")) if fault else None)] += 1
    return calls


def main():
    args = diff_args()
    require_tshark()
    files = args.files or project_captures("webrpc*.pcap")
    total = bad = 0
    for path in files:
        theirs, mine = reference(path), ours(path)
        total += sum(theirs.values())
        missing, extra = theirs - mine, mine - theirs
        bad += sum(missing.values()) + sum(extra.values())
        print(f"{path}: {sum(theirs.values())} call(s) in the reference, {sum(mine.values())} in netdx")
        for c, n in missing.items():
            print(f"  only the reference: {n} x {c}")
        for c, n in extra.items():
            print(f"  only netdx: {n} x {c}")
        if args.v:
            for c, n in sorted(theirs.items(), key=str):
                print(f"  {n} x {c}")
    if total == 0:
        sys.exit("nothing compared")
    print(f"diff-webrpc: {total - min(bad, total)}/{total} reference calls agree")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
