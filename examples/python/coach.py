#!/usr/bin/env python3
"""coach.py - a small terminal chat over `dbtcoach --jsonl`, standard library only.

    python3 coach.py [--dbtcoach PATH] [--skills DIR] [--region CC]

The coach runs as a child process; this program writes one JSON request per
line to its stdin and reads exactly one JSON reply line per request from its
stdout. `Coach` is the part to reuse in your own front end; `chat` is a
terminal around it. Type a number to pick one of the numbered choices.

dbtcoach is a practice aid for DBT skills. It is not therapy and not a crisis
service; every message is screened for crisis language, and a crisis reply
is shown here in full, framed, before anything else.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid


class CoachError(Exception):
    """The coach answered a request with {"error": ...}, or went away."""


class Coach:
    """One `dbtcoach --jsonl` process; it can hold many sessions at once."""

    def __init__(self, binary="dbtcoach", skills=None, region=None):
        args = [binary, "--jsonl"]
        if skills:
            args += ["--skills", skills]
        if region:
            args += ["--region", region]
        # stderr is inherited: the coach writes to it only when the skill
        # scripts cannot be loaded, never what people type.
        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )

    def request(self, req):
        """Send one request object and return its one reply object."""
        line = json.dumps(req, ensure_ascii=False)
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            raise CoachError("the coach process has stopped") from None
        reply = self.proc.stdout.readline()
        if not reply:
            raise CoachError("the coach process has stopped")
        obj = json.loads(reply)
        if "error" in obj:
            raise CoachError(obj["error"])
        return obj

    def greet(self, session, region=None):
        return self.request(_with_region({"session": session}, region))

    def turn(self, session, text, region=None):
        return self.request(_with_region({"session": session, "text": text}, region))

    def save(self, session):
        """The session's state as a JSON value, to keep in your own store."""
        return self.request({"session": session, "save": True})["state"]

    def restore(self, session, state, region=None):
        self.request(_with_region({"session": session, "restore": state}, region))

    def end(self, session):
        self.request({"session": session, "end": True})

    def close(self):
        try:
            self.proc.stdin.close()  # end of input: the coach frees its sessions and exits
        except BrokenPipeError:
            pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _with_region(req, region):
    if region:
        req["region"] = region
    return req


def find_binary(given=None):
    """--dbtcoach, then $DBTCOACH, then dbtcoach on PATH."""
    for candidate in (given, os.environ.get("DBTCOACH")):
        if candidate:
            return candidate
    return shutil.which("dbtcoach")


def render(reply, color=False, width=78):
    """The reply as terminal text: a crisis reply framed and complete."""
    def wrap(text):
        paragraphs = []
        for para in text.split("\n\n"):
            lines = []
            for line in para.split("\n"):
                # never cut a word, a URL or a phone number in two
                hang = "  " if line.startswith("- ") else ""
                lines.extend(textwrap.wrap(line, width - 2, subsequent_indent=hang,
                                           break_long_words=False,
                                           break_on_hyphens=False) or [""])
            paragraphs.append("\n".join("  " + l for l in lines))
        return "\n\n".join(paragraphs)

    out = []
    if reply.get("crisis"):
        bar = "=" * width
        title = "PLEASE READ: SUPPORT IS AVAILABLE NOW"
        if color:
            bar, title = "\033[1;31m" + bar + "\033[0m", "\033[1;31m" + title + "\033[0m"
        out += ["", bar, "  " + title, "", wrap(reply["text"]), bar]
    else:
        out += ["coach", wrap(reply["text"])]
    timer = reply.get("timer")
    if timer and timer.get("kind") == "countdown":
        out.append("  (a timer of %d seconds: press Enter when you are done)" % timer["seconds"])
    elif timer and timer.get("kind") == "breathe":
        out.append("  (breathe in %d, hold %d, out %d seconds; %d times)"
                   % (timer["in"], timer["hold"], timer["out"], timer["cycles"]))
    choices = reply.get("choices") or []
    if choices:
        out.append("  " + "   ".join("%d) %s" % (i + 1, c) for i, c in enumerate(choices)))
    return "\n".join(out)


def pick(choices, line):
    """A number typed for a numbered choice becomes that choice's text."""
    if choices and line.strip().isdigit():
        k = int(line.strip())
        if 1 <= k <= len(choices):
            return choices[k - 1]
    return line


def chat(coach, region=None, infile=sys.stdin, outfile=sys.stdout):
    color = outfile.isatty() and not os.environ.get("NO_COLOR")
    session = uuid.uuid4().hex
    reply = coach.greet(session, region)
    print(render(reply, color), file=outfile, flush=True)
    while not reply.get("ended"):
        print("you> ", end="", file=outfile, flush=True)
        line = infile.readline()
        if not line:
            print(file=outfile)
            break
        if not infile.isatty():
            print(line.rstrip("\r\n"), file=outfile)  # keep a piped transcript readable
        text = pick(reply.get("choices"), line.rstrip("\r\n"))
        reply = coach.turn(session, text)
        print(render(reply, color), file=outfile, flush=True)
    coach.end(session)


def main(argv=None):
    ap = argparse.ArgumentParser(description="A terminal chat with dbtcoach.")
    ap.add_argument("--dbtcoach", help="the dbtcoach program (default: $DBTCOACH or PATH)")
    ap.add_argument("--skills", help="the folder of skill scripts")
    ap.add_argument("--region", help="your country, e.g. US or GB, for crisis lines")
    args = ap.parse_args(argv)
    binary = find_binary(args.dbtcoach)
    if not binary:
        print("coach.py: dbtcoach not found: give --dbtcoach PATH", file=sys.stderr)
        return 2
    try:
        with Coach(binary, args.skills, args.region) as coach:
            chat(coach, args.region)
    except (CoachError, OSError) as e:
        print("coach.py: %s" % e, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
