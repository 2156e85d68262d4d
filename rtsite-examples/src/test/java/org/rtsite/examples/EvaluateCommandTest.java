package org.rtsite.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.SiteClassifier;
import org.rtsite.core.phantom.PhantomScene;
import org.rtsite.core.result.SiteResultJson;
import org.w3c.dom.Document;
import picocli.CommandLine;

class EvaluateCommandTest {

    @TempDir
    Path dir;

    static int run(StringWriter out, StringWriter err, String... args) {
        CommandLine cl = RtsiteCli.commandLine(args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void evaluatesLabelTablesAndWritesTheReport() throws Exception {
        Path pred = dir.resolve("pred.csv");
        Path exp = dir.resolve("expert.csv");
        Files.writeString(pred, "plan_id,regions,rule\nA,\"Thorax;Abdomen\",V85_OVERLAP\nB,Pelvis,V85_RANK\nC,H&N,HN_LANDMARK\nD,,NONE\n");
        Files.writeString(exp, "plan_id,regions\nA,Thorax|Abdomen\nB,Abdomen;Pelvis\nC,Head and Neck\nD,Cranial\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "evaluate", "-p", pred.toString(), "-e", exp.toString(), "-o", dir.resolve("out").toString());
        assertEquals(0, code, err.toString());
        assertTrue(out.toString().contains("Exact    2/4 =  50.0 %"), out.toString());
        assertTrue(out.toString().contains("Top-1    2/4"), out.toString());
        Path html = dir.resolve("out/label-report.html");
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(html.toFile());
        assertEquals("rtsite label accuracy", d.getElementsByTagName("h1").item(0).getTextContent());
        String mism = Files.readString(dir.resolve("out/label-mismatches.csv"));
        assertTrue(mism.contains("B,Pelvis,Abdomen;Pelvis,V85_RANK,false,false,false"), mism);
        assertTrue(mism.contains("D,,Cranial,NONE,false,false,false"), mism);
    }

    @Test
    void readsRtsiteResultFilesAsPredictions() throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        SiteClassifier classifier = SiteClassifier.builder().backend("cpu").build();
        for (PhantomScene scene : new PhantomScene[] {PhantomScene.PROSTATE, PhantomScene.LUNG_SBRT}) {
            Files.writeString(results.resolve(scene.name() + ".json"),
                    SiteResultJson.write(classifier.classify(scene.build().withMasks())));
        }
        Path exp = dir.resolve("expert.csv");
        Files.writeString(exp, "plan_id,regions\nPROSTATE,Pelvis\nLUNG_SBRT,Thorax\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "evaluate", "-p", results.toString(), "-e", exp.toString(), "-o", dir.resolve("out").toString());
        assertEquals(0, code, err.toString());
        String summary = Files.readString(dir.resolve("out/label-summary.csv"));
        assertTrue(summary.contains("top1,2,2,1.000000"), summary + out);
    }

    @Test
    void aBadRegionNameIsReportedWithFileAndLine() throws Exception {
        Path pred = dir.resolve("pred.csv");
        Files.writeString(pred, "plan_id,regions\nA,Thorax\nB,Thorx\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = run(out, err, "evaluate", "-p", pred.toString(), "-e", pred.toString(), "-o", dir.resolve("out").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("pred.csv line 3") && err.toString().contains("'Thorx'"), err.toString());
    }
}
