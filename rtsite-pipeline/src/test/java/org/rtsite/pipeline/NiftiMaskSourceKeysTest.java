package org.rtsite.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rtsite.core.region.RegionDictionary;

/** Folder names made from DICOM keys (PatientID, UIDs) never lead outside the NIfTI root (issue 14.6). */
class NiftiMaskSourceKeysTest {

    @TempDir
    Path dir;

    @Test
    void hostileKeysStayOneEntryOfTheRoot() throws Exception {
        Path root = Files.createDirectories(dir.resolve("seg"));
        NiftiMaskSource source = new NiftiMaskSource(root, RegionDictionary.defaults());
        char[] longKey = new char[10_000];
        Arrays.fill(longKey, '7');
        for (String key : List.of("..", ".", "a/../../x", "/etc", "../../etc/passwd", "\\..\\x", "..\\..", "x\u0000y",
                "tab\there", "C:\\x", "~", "a/", new String(longKey))) {
            Optional<Path> d = source.folderFor(key);
            if (d.isPresent()) {
                assertEquals(root.toAbsolutePath().normalize(), d.get().getParent(), key);
                assertEquals(d.get(), d.get().normalize(), key);
                String name = d.get().getFileName().toString();
                assertTrue(!name.contains("/") && !name.contains("\\") && name.chars().noneMatch(Character::isISOControl)
                        && !name.equals("..") && !name.equals("."), key + " -> " + name);
            }
        }
        assertEquals(Optional.empty(), source.folderFor(".."));
        assertEquals(Optional.empty(), source.folderFor("."));
        assertEquals(Optional.empty(), source.folderFor(" "));
        assertEquals(Optional.empty(), source.folderFor(null));
        assertEquals(Optional.of(root.toAbsolutePath().resolve("a_.._.._x")), source.folderFor("a/../../x"));
        assertEquals(Optional.of(root.toAbsolutePath().resolve("_etc")), source.folderFor("/etc"));
        assertEquals(Optional.of(root.toAbsolutePath().resolve("x_y")), source.folderFor("x\u0000y"));
        assertEquals(Optional.of(root.toAbsolutePath().resolve("PHANTOM-1")), source.folderFor("PHANTOM-1"));
    }
}
