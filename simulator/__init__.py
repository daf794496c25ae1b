"""adsim."""
