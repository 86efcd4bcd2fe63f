using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Commerce.Messaging.Outbox;

/// <summary>How long events wait in the outbox, on the <c>Commerce</c> meter the telemetry exports.</summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "Commerce";

    internal static readonly ActivitySource ActivitySource = new("Commerce");

    private readonly Histogram<double> _delay;
    private readonly Counter<long> _published;

    public OutboxMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _delay = meter.CreateHistogram<double>("commerce.outbox.delay", "ms", "Time from an event's commit to the broker's confirm of its publish.");
        _published = meter.CreateCounter<long>("commerce.outbox.published", "{event}", "Events the outbox relay published.");
    }

    internal void Published(TimeSpan delay)
    {
        _published.Add(1);
        _delay.Record(Math.Max(0, delay.TotalMilliseconds));
    }
}
