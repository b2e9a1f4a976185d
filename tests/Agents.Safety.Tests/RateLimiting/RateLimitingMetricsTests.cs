using System.Diagnostics.Metrics;
using Agents.Safety.RateLimiting;

namespace Agents.Safety.Tests.RateLimiting;

/// <summary>Who disposes the meter: the metrics when they created it, the factory when it did.</summary>
public sealed class RateLimitingMetricsTests
{
    [Fact]
    public void Dispose_OwnMeter_CompletesItsInstruments()
    {
        // A private meter has no scope to tell it from other tests' meters: find ours by a measurement only it records.
        var marker = Guid.NewGuid().ToString("N");
        var ours = new HashSet<Instrument>();
        var completed = new HashSet<Instrument>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == RateLimitingMetrics.MeterName && instrument.Meter.Scope is null)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) =>
            {
                lock (completed)
                {
                    completed.Add(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Value is string value && value == marker)
                {
                    lock (ours)
                    {
                        ours.Add(instrument);
                    }
                }
            }
        });
        listener.Start();

        var metrics = new RateLimitingMetrics();
        metrics.Admitted(marker);
        var admitted = Assert.Single(ours);
        lock (completed)
        {
            Assert.DoesNotContain(admitted, completed);
        }

        metrics.Dispose();

        lock (completed)
        {
            Assert.Contains(admitted, completed);
        }
    }

    [Fact]
    public void Dispose_FactoryMeter_LeftToTheFactory()
    {
        using var factory = new LimitsMeterFactory();
        var completed = 0;
        var published = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    Interlocked.Increment(ref published);
                    l.EnableMeasurementEvents(instrument);
                }
            },
            MeasurementsCompleted = (instrument, _) =>
            {
                if (instrument.Meter.Scope == factory)
                {
                    Interlocked.Increment(ref completed);
                }
            },
        };
        listener.Start();

        var metrics = new RateLimitingMetrics(factory);
        Assert.Equal(4, published);
        metrics.Dispose();
        Assert.Equal(0, Volatile.Read(ref completed));

        factory.Dispose();
        Assert.Equal(4, Volatile.Read(ref completed));
    }
}
