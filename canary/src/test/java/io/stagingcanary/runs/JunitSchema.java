package io.stagingcanary.runs;

import java.io.StringReader;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

/** Validates JUnit XML against the Jenkins/Ant schema shipped in the test resources. */
public final class JunitSchema {

  private JunitSchema() {}

  /** Throws when the XML is not valid; returns the parsed document. */
  public static Document validate(String xml) throws Exception {
    SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
    var schema =
        factory.newSchema(
            new StreamSource(JunitSchema.class.getResource("/junit/jenkins-junit.xsd").toString()));
    schema.newValidator().validate(new StreamSource(new StringReader(xml)));
    DocumentBuilderFactory builder = DocumentBuilderFactory.newInstance();
    return builder.newDocumentBuilder().parse(new InputSource(new StringReader(xml)));
  }
}
