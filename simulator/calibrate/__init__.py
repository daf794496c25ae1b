"""Calibration: fit each channel's response curve and adstock from a user's daily history.

>>> from simulator.calibrate import calibrate, write_scenario
>>> cal = calibrate("history.csv", horizon_days=30, seed=7)
>>> write_scenario(cal, "calibrated.yaml")    # validated, then saved atomically
"""

from simulator.calibrate.calibration import Calibration, ChannelCalibration, calibrate
from simulator.calibrate.scenario import write_scenario

__all__ = ["Calibration", "ChannelCalibration", "calibrate", "write_scenario"]
