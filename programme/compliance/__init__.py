"""The programme staff's compliance dashboard."""
