"""Writes the export fixtures: one athlete's three weeks (2026-11-30 to 2026-12-20) as
intervals.icu, TrainingPeaks, GoldenCheetah and Strava write them. The header of each file is the
platform's own (see README.md); the rows are the project's. tests/exports.rs holds the same days as
its oracle, typed out independently of this script. Run: python3 make_fixtures.py"""
import csv, datetime

# (date, time, title, load, zone minutes z1..z5 or None, kind)
ACTS = [
    ("2026-11-30", "07:05:12", "Easy run", 45, (10, 30, 5, 0, 0), "Run"),
    ("2026-12-01", "18:20:00", "Intervals: 5x3', hills, windy", 85, (15, 20, 10, 15, 5), "Run"),
    ("2026-12-01", "19:30:00", "Strength, core", None, None, "WeightTraining"),
    ("2026-12-02", "06:50:41", "Recovery run", 35, (20, 20, 0, 0, 0), "Run"),
    ("2026-12-04", "17:45:09", "Tempo ride", 70, (0, 25, 30, 5, 0), "Ride"),
    ("2026-12-06", "08:00:00", "Long run", 120, (30, 90, 10, 0, 0), "Run"),
    ("2026-12-08", "18:10:30", "Intervals 6x800m", 90, (15, 20, 5, 20, 5), "Run"),
    ("2026-12-09", "07:00:00", "Easy run", 30, (15, 25, 0, 0, 0), "Run"),
    ("2026-12-09", "17:30:00", "Commute", 12, None, "Ride"),
    ("2026-12-11", "18:00:00", "Tempo run", 75, (10, 20, 35, 0, 0), "Run"),
    ("2026-12-13", "08:30:00", "Long run, \"race pace\" finish", 130, (25, 80, 20, 5, 0), "Run"),
    ("2026-12-15", "18:15:00", "Intervals 5x1k", 95, (15, 15, 5, 20, 10), "Run"),
    ("2026-12-17", "07:10:00", "Easy run", 40, (20, 25, 0, 0, 0), "Run"),
    ("2026-12-20", "09:00:00", "Long run", 110, (30, 75, 5, 0, 0), "Run"),
]
# Power zones (minutes) where the activity had a power meter; heart-rate zones otherwise.
POWER = {"Tempo ride": (5, 15, 35, 5, 0)}
PLANNED = [("2026-12-22", "Key: 6x3'"), ("2026-12-24", "Easy 40'")]

def write(name, header, rows):
    with open(name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n" if name.startswith("trainingpeaks") else "\n")
        w.writerow(header)
        w.writerows(rows)

def intervals():
    header = "id,start_date_local,name,type,moving_time,distance,elapsed_time,total_elevation_gain,max_speed,average_speed,has_heartrate,max_heartrate,average_heartrate,average_cadence,calories,device_watts,icu_average_watts,icu_normalized_watts,icu_joules,icu_intensity,icu_training_load,icu_training_load_edited,icu_rpe,pace,icu_fatigue,icu_fitness,icu_eftp,icu_variability,icu_efficiency,trainer,commute,race,sub_type,icu_ftp,icu_w_prime,threshold_pace,power_load,hr_load,pace_load,icu_resting_hr,lthr,hr_z1,hr_z2,hr_z3,hr_z4,hr_z5,hr_z6,hr_max,hr_z1_secs,hr_z2_secs,hr_z3_secs,hr_z4_secs,hr_z5_secs,hr_z6_secs,hr_z7_secs,z1_secs,z2_secs,z3_secs,z4_secs,z5_secs,z6_secs,z7_secs,sweet_spot_secs,icu_weight,icu_ignore_power,icu_ignore_hr,icu_ignore_time,icu_recording_time,icu_warmup_time,icu_cooldown_time,icu_hrrc,icu_hrrc_start_bpm,icu_power_spike_threshold,icu_pm_ftp,icu_pm_cp,icu_pm_w_prime,icu_pm_p_max,start_date,icu_sync_date,timezone,file_type,external_id,compliance,gear,description".split(",")
    rows = []
    for i, (d, t, title, load, zones, kind) in enumerate(reversed(ACTS)):  # newest first
        r = {h: "" for h in header}
        r.update(id=f"i{48213 - i}", start_date_local=f"{d}T{t}", name=title, type=kind, moving_time="3600",
                 icu_training_load="" if load is None else str(load), timezone="Europe/Berlin", start_date=f"{d}T{t}Z")
        if zones and title not in POWER:
            for k, m in enumerate(zones):
                r[f"hr_z{k + 1}_secs"] = str(m * 60)
            r["hr_z6_secs"] = r["hr_z7_secs"] = "0"
        if title in POWER:
            for k, m in enumerate(POWER[title]):
                r[f"z{k + 1}_secs"] = str(m * 60)
            for k, m in enumerate(zones):  # the ride's heart rate, which the power zones outrank
                r[f"hr_z{k + 1}_secs"] = str(m * 60)
        rows.append([r[h] for h in header])
    write("intervals-activities.csv", header, rows)

def trainingpeaks():
    header = ["Title", "WorkoutType", "WorkoutDescription", "PlannedDuration", "PlannedDistanceInMeters", "WorkoutDay", "CoachComments", "DistanceInMeters", "PowerAverage", "PowerMax", "Energy", "AthleteComments", "TimeTotalInHours", "VelocityAverage", "VelocityMax", "CadenceAverage", "CadenceMax", "HeartRateAverage", "HeartRateMax", "TorqueAverage", "TorqueMax", "IF", "TSS"] + [f"HRZone{k}Minutes" for k in range(1, 11)] + [f"PWRZone{k}Minutes" for k in range(1, 11)] + ["Rpe", "Feeling"]
    rows = []
    acts = list(ACTS)
    acts.insert(4, ("2026-12-03", "", "Day off", None, None, "Day Off"))
    for d, t, title, load, zones, kind in acts:
        r = {h: "" for h in header}
        r.update(Title=title, WorkoutType={"Ride": "Bike", "WeightTraining": "Strength"}.get(kind, kind), WorkoutDay=d, TSS="" if load is None else f"{load:.2f}")
        if load is not None:
            r["TimeTotalInHours"] = "1.0125"
        if zones and title not in POWER:
            for k, m in enumerate(zones):
                r[f"HRZone{k + 1}Minutes"] = f"{m:.2f}"
        if title in POWER:
            for k, m in enumerate(POWER[title]):
                r[f"PWRZone{k + 1}Minutes"] = f"{m:.2f}"
        rows.append([r[h] for h in header])
    for d, title in PLANNED:
        r = {h: "" for h in header}
        r.update(Title=title, WorkoutType="Run", WorkoutDescription="planned", PlannedDuration="0.75", WorkoutDay=d)
        rows.append([r[h] for h in header])
    write("trainingpeaks-workouts.csv", header, rows)

def goldencheetah():
    metrics = ["Duration", "Time Moving", "Distance", "Average Power", "BikeStress", "BikeScore", "TRIMP Points", "Average Heart Rate"]
    with open("goldencheetah-metrics.csv", "w") as f:
        f.write("date, time, filename, " + ", ".join(metrics) + "\n")
        for d, t, title, load, zones, kind in ACTS:
            day = datetime.date.fromisoformat(d)
            name = day.strftime("%Y_%m_%d_") + t.replace(":", "_") + ".json"
            stress = "" if load is None else f"{load:.5f}"
            f.write(",".join([day.strftime("%d/%m/%Y"), t, name, "3600.00000", "3540.00000", "", "", stress, "", "", "142.00000"]) + "\n")

def strava():
    header = "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,Max Heart Rate,Relative Effort,Commute,Activity Private Note,Activity Gear,Filename,Athlete Weight,Bike Weight,Elapsed Time,Moving Time,Distance,Max Speed,Average Speed,Elevation Gain,Elevation Loss,Elevation Low,Elevation High,Max Grade,Average Grade,Average Positive Grade,Average Negative Grade,Max Cadence,Average Cadence,Max Heart Rate,Average Heart Rate,Max Watts,Average Watts,Calories,Max Temperature,Average Temperature,Relative Effort,Total Work,Number of Runs,Uphill Time,Downhill Time,Other Time,Perceived Exertion,Type,Start Time,Weighted Average Power,Power Count,Prefer Perceived Exertion,Perceived Relative Effort,Commute,Total Weight Lifted,From Upload,Grade Adjusted Distance,Weather Observation Time,Weather Condition,Weather Temperature,Apparent Temperature,Dewpoint,Humidity,Weather Pressure,Wind Speed,Wind Gust,Wind Bearing,Precipitation Intensity,Sunrise Time,Sunset Time,Moon Phase,Bike,Gear,Precipitation Probability,Precipitation Type,Cloud Cover,Weather Visibility,UV Index,Weather Ozone,Jump Count,Total Grit,Average Flow,Flagged,Average Elapsed Speed,Dirt Distance,Newly Explored Distance,Newly Explored Dirt Distance,Activity Count,Total Steps,Carbon Saved,Pool Length,Training Load,Intensity,Average Grade Adjusted Pace,Timer Time,Total Cycles,Media".split(",")
    rows = []
    for i, (d, t, title, load, zones, kind) in enumerate(ACTS):
        day = datetime.datetime.fromisoformat(f"{d}T{t}")
        when = day.strftime("%b ") + str(day.day) + day.strftime(", %Y, ") + day.strftime("%I:%M:%S %p").lstrip("0")
        cells = [""] * len(header)
        cells[0] = str(16483920000 + i)
        cells[1] = when
        cells[2] = title
        cells[3] = kind
        cells[5] = "3600"
        cells[6] = "10.02"
        cells[8] = "" if load is None else str(load)        # Relative Effort, the first copy
        cells[15] = "3600"
        cells[17] = "10020.0"
        cells[37] = "" if load is None else f"{load * 1.5:.1f}"  # the second copy: a different scale
        rows.append(cells)
    write("strava-activities.csv", header, rows)

# FIT (Garmin's activity files, as "Export Original" gives them): the protocol's 14-byte header
# with its CRC, definition and data messages little-endian, the file's CRC last (FIT SDK,
# "FIT Protocol", sections 3.3-3.4; the CRC is the SDK's FitCRC_Get16).
FIT_EPOCH = datetime.datetime(1989, 12, 31, tzinfo=datetime.timezone.utc)
CRC_TABLE = [0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
             0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400]

def fit_crc(data, crc=0):
    for byte in data:
        for nibble in (byte & 0xF, byte >> 4):
            tmp = CRC_TABLE[crc & 0xF]
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ CRC_TABLE[nibble]
    return crc

# base types: enum 0x00, uint16 0x84, uint32 0x86, uint32z 0x8C
def fit_message(local, mesg, fields):
    """A definition message and one data message: fields = [(number, base type, size, value)]."""
    import struct
    fmt = {0x00: "B", 0x84: "H", 0x86: "I", 0x8C: "I"}
    d = bytes([0x40 | local, 0, 0]) + struct.pack("<HB", mesg, len(fields))
    d += b"".join(bytes([n, size, bt]) for n, bt, size, _ in fields)
    return d + bytes([local]) + b"".join(struct.pack("<" + fmt[bt], v) for n, bt, size, v in fields)

def fit_file(name, sessions, tz_hours, local_time=True):
    """sessions = [(local datetime, tss or None, sport)]; tz_hours = the device's UTC offset."""
    import struct
    tz = datetime.timedelta(hours=tz_hours)
    secs = lambda local: int((local - tz).replace(tzinfo=datetime.timezone.utc).timestamp() - FIT_EPOCH.timestamp())
    first = secs(sessions[0][0])
    body = fit_message(0, 0, [(0, 0x00, 1, 4), (1, 0x84, 2, 1), (3, 0x8C, 4, 3_950_112_345), (4, 0x86, 4, first)])
    end = first
    for start, tss, sport in sessions:
        t0 = secs(start)
        end = t0 + 3600
        # training_stress_score (35) is uint16 with scale 10; 0xFFFF is the protocol's invalid value
        fields = [(253, 0x86, 4, end), (2, 0x86, 4, t0), (5, 0x00, 1, sport), (7, 0x86, 4, 3_600_000),
                  (35, 0x84, 2, 0xFFFF if tss is None else round(tss * 10))]
        body += fit_message(1, 18, fields)
    if local_time:
        body += fit_message(2, 34, [(253, 0x86, 4, end), (0, 0x86, 4, 3_600_000 * len(sessions)), (1, 0x84, 2, len(sessions)),
                                    (2, 0x00, 1, 0), (3, 0x00, 1, 26), (4, 0x00, 1, 1), (5, 0x86, 4, end + int(tz.total_seconds()))])
    head = struct.pack("<BBHI4s", 14, 0x20, 2132, len(body), b".FIT")
    head += struct.pack("<H", fit_crc(head))
    data = head + body
    with open(name, "wb") as f:
        f.write(data + struct.pack("<H", fit_crc(data)))

def garmin():
    """One FIT file per activity in garmin/, from a watch set to Tokyo time (UTC+9): the
    morning sessions start on the previous day in UTC, so only the local date puts them right."""
    import os
    os.makedirs("garmin", exist_ok=True)
    sport = {"Run": 1, "Ride": 2, "WeightTraining": 10}
    for d, t, title, load, zones, kind in ACTS:
        local = datetime.datetime.fromisoformat(f"{d}T{t}")
        fit_file(f"garmin/{d}-{t.replace(':', '')}.fit", [(local, load, sport[kind])], 9)
    # A watch without a time zone setting writes no local time: its dates are UTC.
    fit_file("garmin-no-local-time.fit", [(datetime.datetime(2026, 12, 20, 23, 30), 55.5, 1)], 0, local_time=False)

intervals(); trainingpeaks(); goldencheetah(); strava(); garmin()
