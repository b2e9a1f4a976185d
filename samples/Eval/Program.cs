using System.CommandLine;
using Agents;
using Agents.Samples.Eval;

// Evaluation from the command line:
//   Eval run --dataset <file.jsonl> --config <file.json> --out <dir> [--fail-if "rougeL<0.3"]... [--ratings audit.csv]
//   Eval perplexity --model <file.gguf> --text <file> [--json] [--context N] [--window N] [--stride N]
// Bad arguments: one line on stderr, exit code 2. A failed gate: exit code 1.
var root = new RootCommand("Evaluate generators on a dataset, or measure perplexity under a local model.");

static Option<string> ExistingFile(string name, string description)
{
    var option = new Option<string>(name) { Description = description, Required = true };
    option.Validators.Add(result =>
    {
        var path = result.GetValueOrDefault<string>();
        if (!string.IsNullOrEmpty(path) && !File.Exists(path))
        {
            result.AddError($"{name}: '{path}' does not exist.");
        }
    });
    return option;
}

static Option<int?> Positive(string name, string description)
{
    var option = new Option<int?>(name) { Description = description };
    option.Validators.Add(result =>
    {
        if (result.GetValueOrDefault<int?>() is < 1)
        {
            result.AddError($"{name} must be at least 1.");
        }
    });
    return option;
}

var dataset = ExistingFile("--dataset", "The JSONL dataset: one {\"input\", \"reference\"?, \"id\"?, \"labels\"?} per line.");
var config = ExistingFile("--config", "The JSON configuration: generators, judge, metrics, robustness, gates.");
var output = new Option<string>("--out") { Description = "The output folder; a rerun over it resumes.", Required = true };
var failIf = new Option<string[]>("--fail-if") { Description = "A CI gate such as \"rougeL<0.3\"; repeatable. A failed gate exits with 1.", Arity = ArgumentArity.ZeroOrMore };
var ratings = new Option<string?>("--ratings") { Description = "A filled audit.csv to read back for judge-human agreement." };
ratings.Validators.Add(result =>
{
    if (result.GetValueOrDefault<string?>() is { } path && !File.Exists(path))
    {
        result.AddError($"--ratings: '{path}' does not exist.");
    }
});
var run = new Command("run", "Run a dataset through the configured generators and write reports.") { dataset, config, output, failIf, ratings };
run.SetAction((parse, token) => RunCommand.ExecuteAsync(
    parse.GetRequiredValue(dataset), parse.GetRequiredValue(config), parse.GetRequiredValue(output), parse.GetValue(failIf) ?? [], parse.GetValue(ratings), token));

var model = ExistingFile("--model", "The GGUF model file.");
var text = ExistingFile("--text", "The text file to score.");
var json = new Option<bool>("--json") { Description = "Print {\"perplexity\", \"tokens\", \"windows\"}." };
var context = Positive("--context", "The evaluation context in tokens (default: the model's).");
var window = Positive("--window", "The sliding window in tokens (default: the context).");
var stride = Positive("--stride", "How far each window moves (default: half the window).");
var perplexity = new Command("perplexity", "The perplexity of a text under a local model, with a sliding window.") { model, text, json, context, window, stride };
perplexity.SetAction((parse, token) => PerplexityCommand.ExecuteAsync(
    parse.GetRequiredValue(model), parse.GetRequiredValue(text), parse.GetValue(json), parse.GetValue(context), parse.GetValue(window), parse.GetValue(stride), token));

root.Subcommands.Add(run);
root.Subcommands.Add(perplexity);

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {parsed.Errors[0].Message.ReplaceLineEndings(" ")}");
    return 2;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
    return 2;
}
catch (Exception e) when (e is GeneratorException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
    return 1;
}
