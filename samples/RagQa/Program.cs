using Agents.Samples.RagQa;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await RagQaApp.RunAsync(args, cancellation.Token);
