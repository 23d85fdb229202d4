#!/usr/bin/env python3
"""test_coach.py - drive coach.py against a real `dbtcoach --jsonl`.

    DBTCOACH=path/to/dbtcoach python3 test_coach.py

The program is found as $DBTCOACH, then dbtcoach on PATH, then the build
folder of the source tree. The skill scripts are those the program finds by
itself ($DBTCOACH_SKILLS or its own default).
"""

import io
import os
import shutil
import subprocess
import sys
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import coach  # noqa: E402


def binary():
    found = os.environ.get("DBTCOACH") or shutil.which("dbtcoach")
    if not found:
        tree = os.path.join(HERE, "..", "..", "build", "dbtcoach")
        found = tree if os.access(tree, os.X_OK) else None
    return found


BIN = binary()


@unittest.skipUnless(BIN, "dbtcoach not found: set DBTCOACH")
class CoachTest(unittest.TestCase):
    def setUp(self):
        self.coach = coach.Coach(BIN, region="US")
        self.session = uuid.uuid4().hex

    def tearDown(self):
        self.coach.close()

    def test_greeting(self):
        r = self.coach.greet(self.session)
        self.assertIn("practice aid", r["text"])
        self.assertFalse(r["crisis"])
        self.assertIsNone(r["skill"])
        self.assertEqual(r["choices"], [])
        self.assertFalse(r["ended"])

    def test_short_conversation(self):
        self.coach.greet(self.session)
        r = self.coach.turn(self.session, "I want to practice the STOP skill")
        self.assertEqual((r["skill"], r["step"]), ("stop", "start"))
        self.assertRegex(r["text"], r"\b0\b.*\b10\b")
        r = self.coach.turn(self.session, "7")
        self.assertEqual(r["step"], "urge")
        r = self.coach.turn(self.session, "yell at my boss")
        self.assertIn("yell at your boss", r["text"])
        self.assertEqual(r["choices"], ["ok"])

    def test_crisis_mid_exercise(self):
        self.coach.turn(self.session, "I want to practice the STOP skill")
        r = self.coach.turn(self.session, "I want to kill myself")
        self.assertTrue(r["crisis"])
        self.assertEqual(r["category"], "suicide")
        self.assertIn("988", r["text"])
        self.assertIn("911", r["text"])
        self.assertIsNone(r["skill"], "a crisis stops the exercise")
        self.assertTrue(r["choices"])

    def test_region_per_request(self):
        r = self.coach.turn(self.session, "i want to die", region="GB")
        self.assertTrue(r["crisis"])
        self.assertIn("116 123", r["text"])

    def test_save_and_restore_in_another_process(self):
        self.coach.turn(self.session, "I want to practice the STOP skill")
        self.coach.turn(self.session, "8")
        state = self.coach.save(self.session)
        self.coach.end(self.session)
        with coach.Coach(BIN, region="US") as other:
            other.restore("elsewhere", state)
            r = other.turn("elsewhere", "throw my phone")
            self.assertIn("throw your phone", r["text"])
            self.assertEqual(r["skill"], "stop")

    def test_error_reply(self):
        with self.assertRaises(coach.CoachError):
            self.coach.request({"session": self.session, "text": 5})
        # the stream goes on after an error
        self.assertIn("text", self.coach.greet(self.session))

    def test_terminal_chat(self):
        script = "I want to practice the STOP skill\n7\nI want to kill myself\n2\nquit\n"
        out = io.StringIO()
        coach.chat(self.coach, "US", io.StringIO(script), out)
        text = out.getvalue()
        self.assertIn("PLEASE READ: SUPPORT IS AVAILABLE NOW", text)
        self.assertIn("988", text)
        self.assertIn("1) breathe with me", text)
        # "2" picked the second choice, STOP, after the crisis reply
        after = text.split("SUPPORT IS AVAILABLE")[1].split("you> 2\ncoach\n")
        self.assertEqual(len(after), 2, text)
        self.assertIn("STOP", after[1])

    def test_program(self):
        p = subprocess.run(
            [sys.executable, os.path.join(HERE, "coach.py"), "--dbtcoach", BIN,
             "--region", "US"],
            input="hi\nI want to kill myself\nquit\n", capture_output=True,
            text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("PLEASE READ", p.stdout)
        self.assertIn("call 988", p.stdout)
        self.assertEqual(p.stderr, "")

    def test_missing_program(self):
        p = subprocess.run(
            [sys.executable, os.path.join(HERE, "coach.py"), "--dbtcoach",
             os.path.join(HERE, "no-such-program")],
            input="", capture_output=True, text=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("coach.py:", p.stderr)


if __name__ == "__main__":
    unittest.main()
