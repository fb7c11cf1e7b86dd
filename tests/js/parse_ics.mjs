// Reads iCalendar files with Mozilla's ical.js (an independent second parser for the tests)
// and prints what it understood as JSON: calendar properties and every VEVENT with its
// start and end as UTC instants (timed events) or dates (all-day events).
// Usage: node parse_ics.mjs FILE...
import { readFileSync } from "node:fs";
import ICAL from "ical.js";

function moment(time) {
  if (!time) return null;
  if (time.isDate) return { date: time.toString() };
  const zone = time.zone ? time.zone.tzid : null;
  if (!zone || zone === "floating") throw new Error(`floating time ${time.toString()}: no TZID or VTIMEZONE`);
  return { utc: time.toJSDate().toISOString().replace(".000Z", "Z"), zone };
}

const out = {};
for (const path of process.argv.slice(2)) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
  ICAL.TimezoneService.reset();
  for (const tz of root.getAllSubcomponents("vtimezone")) ICAL.TimezoneService.register(tz);
  const events = root.getAllSubcomponents("vevent").map((component) => {
    const event = new ICAL.Event(component);
    return {
      uid: event.uid,
      summary: event.summary,
      location: event.location,
      description: event.description,
      status: component.getFirstPropertyValue("status"),
      dtstamp: component.getFirstPropertyValue("dtstamp") ? component.getFirstPropertyValue("dtstamp").toString() : null,
      url: component.getFirstPropertyValue("url"),
      start: moment(event.startDate),
      end: moment(event.endDate),
    };
  });
  out[path] = {
    version: root.getFirstPropertyValue("version"),
    prodid: root.getFirstPropertyValue("prodid"),
    name: root.getFirstPropertyValue("name"),
    timezones: root.getAllSubcomponents("vtimezone").map((tz) => tz.getFirstPropertyValue("tzid")),
    events,
  };
}
process.stdout.write(JSON.stringify(out));
