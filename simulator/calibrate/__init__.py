"""Calibration: fit each channel's response curve and adstock from a user's daily history.

>>> from simulator.calibrate import calibrate, write_scenario, write_report
>>> cal = calibrate("history.csv", horizon_days=30, seed=7)
>>> write_scenario(cal, "calibrated.yaml")    # validated, then saved atomically
>>> write_report(cal, "report.html")          # fit quality and curves with intervals
"""

from simulator.calibrate.calibration import Calibration, ChannelCalibration, calibrate
from simulator.calibrate.report import write_report
from simulator.calibrate.scenario import write_scenario
from simulator.calibrate.to_scenario import CalibrationReport, calibrate_to_scenario

__all__ = [
    "Calibration",
    "CalibrationReport",
    "ChannelCalibration",
    "calibrate",
    "calibrate_to_scenario",
    "write_report",
    "write_scenario",
]
